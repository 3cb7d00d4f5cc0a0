package checklist

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/jsonpos"
)

// Schema validates checklists against a JSON Schema file, such as the
// checklist.schema.json that Azure/review-checklists publishes. Parse already applies
// that schema's rules; a Schema lets a user hold files to a newer or stricter one.
type Schema struct {
	s *jsonschema.Schema
}

// LoadSchema compiles the JSON Schema at path.
func LoadSchema(path string) (*Schema, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, awaf.Errorf(awaf.ENOTFOUND, "schema %s: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, awaf.Errorf(awaf.EINVALID, "schema %s: %v", path, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(path, doc); err != nil {
		return nil, awaf.Errorf(awaf.EINVALID, "schema %s: %v", path, err)
	}
	s, err := c.Compile(path)
	if err != nil {
		return nil, awaf.Errorf(awaf.EINVALID, "schema %s: %v", path, err)
	}
	return &Schema{s: s}, nil
}

// Validate checks data against the schema and returns every failure at its line and
// column in the file. Items' status and comments keys are left out of the check.
func (s *Schema) Validate(name string, data []byte) error {
	ix, err := jsonpos.Scan(name, data, maxDepth)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return awaf.Problems{{Location: awaf.Location{File: name}, Message: "invalid JSON: " + err.Error()}}
	}
	// The published schema describes blank checklists; the status and comments a
	// team adds are checked by Parse instead.
	if m, ok := inst.(map[string]any); ok {
		if items, ok := m["items"].([]any); ok {
			for _, it := range items {
				if im, ok := it.(map[string]any); ok {
					delete(im, "status")
					delete(im, "comments")
				}
			}
		}
	}
	err = s.s.Validate(inst)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var ps awaf.Problems
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		path := ""
		for _, tok := range e.InstanceLocation {
			if i, err := strconv.Atoi(tok); err == nil && ix.Has(jsonpos.Elem(path, i)) {
				path = jsonpos.Elem(path, i)
			} else {
				path = jsonpos.Key(path, tok)
			}
		}
		msg := e.Error()
		if i := strings.LastIndex(msg, "': "); i >= 0 {
			msg = msg[i+3:]
		}
		ps = append(ps, awaf.Problem{Location: ix.At(path), Message: fmt.Sprintf("schema: %s: %s", orDocument(path), msg)})
	}
	walk(ve)
	return ps
}

func orDocument(path string) string {
	if path == "" {
		return "document"
	}
	return path
}
