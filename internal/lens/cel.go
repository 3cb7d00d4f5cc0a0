package lens

import (
	"fmt"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"github.com/awaf/awaf"
)

// profileEnv is the CEL environment of applicability conditions. It is built once, on
// first use rather than at start-up; cel.Env is safe for concurrent use.
var profileEnv = sync.OnceValue(func() *cel.Env {
	env, err := cel.NewEnv(
		cel.Variable("kinds", cel.ListType(cel.StringType)),
		cel.Variable("components", cel.ListType(cel.StringType)),
		cel.Variable("criticality", cel.StringType),
		cel.Variable("sensitivity", cel.StringType),
		cel.Variable("exposure", cel.StringType),
	)
	if err != nil {
		panic(fmt.Sprintf("lens: profile CEL environment: %v", err)) // programming error
	}
	return env
})

// costLimit bounds the work one condition may do, so a hostile lens cannot stall a
// scan or a server.
const costLimit = 10_000

// profileCondition is a compiled applicability condition.
type profileCondition struct {
	expr string
	prg  cel.Program
}

func (c *profileCondition) Match(p awaf.Profile) (bool, error) {
	out, _, err := c.prg.Eval(map[string]any{
		"kinds":       strs(p.Kinds),
		"components":  strs(p.Components),
		"criticality": string(p.Criticality),
		"sensitivity": string(p.Sensitivity),
		"exposure":    string(p.Exposure),
	})
	if err != nil {
		return false, fmt.Errorf("evaluate %q: %w", c.expr, err)
	}
	return out == types.True, nil
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// compileProfile compiles an applicability condition; it returns the CEL issues as
// one message when the expression is wrong.
func compileProfile(expr string) (*profileCondition, error) {
	prg, err := compileBool(profileEnv(), expr)
	if err != nil {
		return nil, err
	}
	return &profileCondition{expr: expr, prg: prg}, nil
}

// choiceCondition is a compiled risk-rule condition over a question's choice ids.
type choiceCondition struct {
	expr    string
	ids     []string
	prg     cel.Program // nil for "default"
	dflt    bool
	choices map[string]bool
}

func (c *choiceCondition) Match(selected map[string]bool) (bool, error) {
	if c.dflt {
		return true, nil
	}
	vars := make(map[string]any, len(c.ids))
	for _, id := range c.ids {
		vars[id] = selected[id]
	}
	out, _, err := c.prg.Eval(vars)
	if err != nil {
		return false, fmt.Errorf("evaluate %q: %w", c.expr, err)
	}
	return out == types.True, nil
}

// choiceEnv declares exactly a question's choice ids as booleans, so a misspelt id in
// a risk rule fails at load. One environment serves all rules of a question.
func choiceEnv(ids []string) (*cel.Env, error) {
	opts := make([]cel.EnvOption, 0, len(ids))
	for _, id := range ids {
		opts = append(opts, cel.Variable(id, cel.BoolType))
	}
	return cel.NewEnv(opts...)
}

// compileChoices compiles a risk rule condition in a question's choice environment.
func compileChoices(env *cel.Env, ids []string, expr string) (*choiceCondition, error) {
	if expr == "default" {
		return &choiceCondition{expr: expr, dflt: true}, nil
	}
	prg, err := compileBool(env, expr)
	if err != nil {
		return nil, err
	}
	return &choiceCondition{expr: expr, ids: ids, prg: prg}, nil
}

// exprError is a CEL compile error with the place of its first issue inside the
// expression (line from 1, column from 0), so the lens loader can point into the file.
type exprError struct {
	line, column int
	msgs         []string
}

func (e *exprError) Error() string { return strings.Join(e.msgs, "; ") }

// at shifts a location in the file to where the expression's error is, for
// single-line expressions written after their key.
func (e *exprError) at(loc awaf.Location) awaf.Location {
	if e.line <= 1 && loc.Column > 0 {
		loc.Column += e.column
	}
	return loc
}

func compileBool(env *cel.Env, expr string) (cel.Program, error) {
	ast, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		ce := &exprError{}
		for _, e := range iss.Errors() {
			if ce.msgs == nil {
				ce.line, ce.column = e.Location.Line(), e.Location.Column()
			}
			ce.msgs = append(ce.msgs, e.Message)
		}
		return nil, ce
	}
	if !ast.OutputType().IsExactType(cel.BoolType) {
		return nil, fmt.Errorf("expression gives %s, expected a boolean", ast.OutputType())
	}
	return env.Program(ast, cel.CostLimit(costLimit))
}
