// Package prompt reads prompt assets kept in a repository (.prompty files, and prompt
// templates in a prompts folder) into the iac model as resources of type
// Awaf.Prompts/prompty and Awaf.Prompts/templates, with facts the rules judge: whether
// the file holds a system message, which inputs are interpolated into the system
// message outside a delimited block, whether output tokens are capped, and whether a
// credential is written into the prompt.
package prompt

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// Resource types.
const (
	Prompty  = "Awaf.Prompts/prompty"
	Template = "Awaf.Prompts/templates"
)

// MaxFile bounds one prompt file.
const MaxFile = 1 << 20

// Sniff tells whether name is a prompt asset.
func Sniff(name string) bool {
	low := strings.ToLower(name)
	ext := path.Ext(low)
	if ext == ".prompty" {
		return true
	}
	switch ext {
	case ".jinja", ".jinja2", ".j2", ".txt", ".md", ".prompt":
	default:
		return false
	}
	dir := "/" + path.Dir(low) + "/"
	return strings.Contains(dir, "/prompts/") || strings.Contains(dir, "/prompt/")
}

// Scanner is the reader as an iac.Scanner.
type Scanner struct{}

var _ iac.Scanner = Scanner{}

// Scan hands the resources to sink (nil keeps them all) and returns what it keeps.
func (Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	out, diags, err := iac.ReadEach(ctx, fsys, paths, MaxFile, Read)
	if err != nil {
		return nil, nil, err
	}
	return sink.Keep(out), diags, nil
}

// Read decodes one prompt file.
func Read(file string, data []byte) (iac.Resource, error) {
	start := awaf.Location{File: file, Line: 1, Column: 1}
	text := strings.ReplaceAll(string(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))), "\r\n", "\n")
	typ := Template
	props := iac.NewObject(start)
	bodyLine := 1
	body := text
	if strings.EqualFold(path.Ext(file), ".prompty") {
		typ = Prompty
		front, rest, line, err := frontMatter(file, text)
		if err != nil {
			return iac.Resource{}, err
		}
		bodyLine, body = line, rest
		if front != nil && front.Kind == iac.Object {
			props = front
		}
	}
	name := props.Field("name")
	if name == nil || name.Kind != iac.String {
		name = iac.NewString(strings.TrimSuffix(path.Base(file), path.Ext(file)), start)
	}
	analyse(file, props, body, bodyLine, typ == Template)
	return iac.Resource{Type: typ, Name: name, ID: file, Loc: start, Source: "prompt", Properties: props}, nil
}

// frontMatter splits a prompty file into its YAML front matter (between --- lines) and
// the template body, returning the body's first line number.
func frontMatter(file, text string) (*iac.Value, string, int, error) {
	lines := strings.SplitAfter(text, "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return nil, text, 1, nil
	}
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "---" {
			front, err := iac.DecodeYAML(file, []byte(strings.Join(lines[1:i], "")), 1)
			if err != nil {
				return nil, "", 0, err
			}
			return front, strings.Join(lines[i+1:], ""), i + 2, nil
		}
	}
	return nil, "", 0, fmt.Errorf("%s:1:1: front matter opened with --- is never closed", file)
}

// The patterns are compiled on first use, so a scan without prompt files (and every
// other command) does not pay for them at start-up.
var (
	roleRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\s*#?\s*(system|user|assistant|developer)\s*:\s*$`)
	})
	varRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)|\{%-?\s*for\s+\w+\s+in\s+([A-Za-z_][A-Za-z0-9_]*)`)
	})
	openTag = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\s*<([A-Za-z][\w-]*)>\s*$`)
	})
	refusalRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(declin(e|es)|refus(e|es|al)|do not (answer|respond|reveal|discuss)|don't (answer|respond|reveal)|must not (answer|reveal)|only answer|off[- ]topic|outside (the|your) scope|respectfully)\b`)
	})
	secretRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)(AccountKey=[A-Za-z0-9+/=]{20,}|\bsk-[A-Za-z0-9]{20,}|\b(api[_-]?key|password|secret)\s*[:=]\s*["']?[A-Za-z0-9+/_\-]{16,}|-----BEGIN [A-Z ]*PRIVATE KEY-----)`)
	})
)

// analyse records the facts of the body.
func analyse(file string, props *iac.Value, body string, firstLine int, template bool) {
	loc := func(n int) awaf.Location { return awaf.Location{File: file, Line: firstLine + n, Column: 1} }
	role := ""
	if template {
		role = "system" // a template file in a prompts folder is instructions by default
	}
	var systemLoc *awaf.Location
	inFence := false
	closeTag := ""
	sysInputs := iac.NewArray(props.Loc)
	secrets := iac.NewArray(props.Loc)
	systemText := 0
	var refusal *iac.Value
	for i, line := range strings.Split(body, "\n") {
		trim := strings.TrimSpace(line)
		if m := roleRe().FindStringSubmatch(line); m != nil && !inFence && closeTag == "" {
			role = strings.ToLower(m[1])
			if role == "system" && systemLoc == nil {
				l := loc(i)
				systemLoc = &l
			}
			continue
		}
		if strings.HasPrefix(trim, "```") {
			inFence = !inFence
			continue
		}
		if closeTag != "" {
			if strings.Contains(trim, closeTag) {
				closeTag = ""
			}
		} else if m := openTag().FindStringSubmatch(line); m != nil {
			closeTag = "</" + m[1] + ">"
			continue
		}
		if role == "system" {
			systemText += len(trim)
			if refusal == nil && refusalRe().MatchString(line) {
				refusal = iac.NewBool(true, loc(i))
			}
			if !inFence && closeTag == "" {
				for _, m := range varRe().FindAllStringSubmatch(line, -1) {
					name := m[1] + m[2]
					l := loc(i)
					if len(sysInputs.Items) == 0 {
						sysInputs.Loc = l
					}
					sysInputs.Items = append(sysInputs.Items, iac.NewString(name, l))
				}
			}
		}
		if secretRe().MatchString(line) {
			l := loc(i)
			if len(secrets.Items) == 0 {
				secrets.Loc = l
			}
			secrets.Items = append(secrets.Items, iac.NewString("line "+fmt.Sprint(firstLine+i), l))
		}
	}
	// A literal key in the model configuration is a secret too; ${env:...} is not.
	if k := props.Get("model.configuration.api_key"); k != nil && k.Kind == iac.String && !strings.HasPrefix(strings.TrimSpace(k.Str), "${") {
		if len(secrets.Items) == 0 {
			secrets.Loc = k.Loc
		}
		secrets.Items = append(secrets.Items, iac.NewString("model.configuration.api_key", k.Loc))
	}
	sys := iac.NewBool(systemLoc != nil && systemText > 0, props.Loc)
	if systemLoc != nil {
		sys.Loc = *systemLoc
	} else if template && systemText > 0 {
		sys.Bool = true
		sys.Loc = loc(0)
	}
	props.Set("hasSystemMessage", sys)
	if refusal == nil {
		refusal = iac.NewBool(false, sys.Loc)
	}
	props.Set("statesRefusal", refusal)
	props.Set("systemInputs", sysInputs)
	props.Set("secrets", secrets)
	if mt := props.Get("model.parameters.max_tokens"); mt != nil {
		props.Set("maxTokens", mt)
	} else if mt := props.Get("model.parameters.max_completion_tokens"); mt != nil {
		props.Set("maxTokens", mt)
	}
}
