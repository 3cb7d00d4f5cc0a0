package prompt

import (
	"testing"
)

const chat = `---
name: Support chat
model:
  api: chat
  configuration:
    type: azure_openai
    azure_deployment: ${env:CHAT_DEPLOYMENT}
  parameters:
    max_tokens: 400
inputs:
  question: {type: string}
  context: {type: object}
---
system:
You answer questions about Contoso products. Politely decline anything else.

<documents>
{% for item in context %}
{{item.content}}
{% endfor %}
</documents>

user:
{{question}}
`

const leaky = `---
name: Leaky
model:
  configuration:
    api_key: 0123456789abcdef0123456789abcdef
---
system:
Answer {{question}} using the notes.
`

func TestRead(t *testing.T) {
	r, err := Read("prompts/chat.prompty", []byte(chat))
	if err != nil {
		t.Fatal(err)
	}
	p := r.Properties
	if r.Type != Prompty || r.Name.Str != "Support chat" {
		t.Errorf("type %s name %v", r.Type, r.Name)
	}
	if !p.Field("hasSystemMessage").Truthy() || p.Field("hasSystemMessage").Loc.Line != 14 {
		t.Errorf("system message %+v", p.Field("hasSystemMessage"))
	}
	if n := len(p.Field("systemInputs").Items); n != 0 {
		t.Errorf("%d inputs in the system message outside the <documents> block", n)
	}
	if mt := p.Field("maxTokens"); mt == nil || mt.Number != 400 || mt.Loc.Line != 9 {
		t.Errorf("max tokens %+v", mt)
	}
	if !p.Field("statesRefusal").Truthy() {
		t.Error("refusal not seen")
	}

	r, err = Read("leaky.prompty", []byte(leaky))
	if err != nil {
		t.Fatal(err)
	}
	si := r.Properties.Field("systemInputs")
	if len(si.Items) != 1 || si.Items[0].Str != "question" || si.Items[0].Loc.Line != 8 {
		t.Errorf("system inputs %+v", si.Items)
	}
	if s := r.Properties.Field("secrets"); len(s.Items) == 0 || s.Loc.Line != 5 {
		t.Errorf("secrets %+v", s)
	}
}

func TestUnclosedFrontMatter(t *testing.T) {
	if _, err := Read("x.prompty", []byte("---\nname: x\n")); err == nil {
		t.Fatal("unclosed front matter accepted")
	}
}

func TestSniff(t *testing.T) {
	for name, want := range map[string]bool{"a/b.prompty": true, "app/prompts/system.jinja2": true, "docs/readme.md": false, "prompts/x.go": false} {
		if Sniff(name) != want {
			t.Errorf("Sniff(%s) != %v", name, want)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(chat))
	f.Add([]byte(leaky))
	f.Add([]byte("---\n---\n```\nsystem:\n{{x}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Read("f.prompty", data)
		if err == nil && r.Properties == nil {
			t.Fatal("resource without properties")
		}
	})
}
