package tmplfunc

import (
	"fmt"
	"math"
	"strings"

	"github.com/awaf/awaf/internal/iac"
)

// The numeric functions and comparisons.

// intFunc is int(): a number or numeric string, truncated.
func intFunc(c Call) (*iac.Value, error) {
	n, _, ok := c.Args[0].AsNumber()
	if !ok {
		return nil, fmt.Errorf("%s: argument 1 must be a number, found %s", c.Name, c.Args[0].Kind)
	}
	return c.newNumber(math.Trunc(n)), nil
}

func float(c Call) (*iac.Value, error) {
	n, _, ok := c.Args[0].AsNumber()
	if !ok {
		return nil, fmt.Errorf("float: expected a number or numeric string")
	}
	return c.newNumber(n), nil
}

func add(c Call) (*iac.Value, error) { return arith(c, func(a, b float64) float64 { return a + b }) }
func sub(c Call) (*iac.Value, error) { return arith(c, func(a, b float64) float64 { return a - b }) }
func mul(c Call) (*iac.Value, error) { return arith(c, func(a, b float64) float64 { return a * b }) }

// div divides as integers do, truncating.
func div(c Call) (*iac.Value, error) {
	return divide(c, func(a, b float64) float64 { return math.Trunc(a / b) })
}

func mod(c Call) (*iac.Value, error) { return divide(c, math.Mod) }

func divide(c Call, op func(a, b float64) float64) (*iac.Value, error) {
	a, b, err := twoNumbers(c)
	if err != nil {
		return nil, err
	}
	if b == 0 {
		return nil, fmt.Errorf("%s: division by zero", c.Name)
	}
	return c.newNumber(op(a, b)), nil
}

func arith(c Call, op func(a, b float64) float64) (*iac.Value, error) {
	a, b, err := twoNumbers(c)
	if err != nil {
		return nil, err
	}
	return c.newNumber(op(a, b)), nil
}

func twoNumbers(c Call) (a, b float64, err error) {
	if a, err = c.num(0); err != nil {
		return 0, 0, err
	}
	b, err = c.num(1)
	return a, b, err
}

func minFunc(c Call) (*iac.Value, error) {
	return extreme(c, func(v, best float64) bool { return v < best })
}
func maxFunc(c Call) (*iac.Value, error) {
	return extreme(c, func(v, best float64) bool { return v > best })
}

// extreme is min or max of numbers given as arguments or as one array.
func extreme(c Call, better func(v, best float64) bool) (*iac.Value, error) {
	vals := c.Args
	if len(vals) == 1 && vals[0].Kind == iac.Array {
		vals = vals[0].Items
	}
	if len(vals) == 0 {
		return nil, fmt.Errorf("%s: expected at least one number", c.Name)
	}
	best := math.NaN()
	for _, v := range vals {
		if v.IsUnknown() {
			return v, nil
		}
		if v.Kind != iac.Number {
			return nil, fmt.Errorf("%s: expected numbers, found %s", c.Name, v.Kind)
		}
		if math.IsNaN(best) || better(v.Number, best) {
			best = v.Number
		}
	}
	return c.newNumber(best), nil
}

func greater(c Call) (*iac.Value, error) { return comparison(c, func(n int) bool { return n > 0 }) }
func less(c Call) (*iac.Value, error)    { return comparison(c, func(n int) bool { return n < 0 }) }
func greaterOrEquals(c Call) (*iac.Value, error) {
	return comparison(c, func(n int) bool { return n >= 0 })
}
func lessOrEquals(c Call) (*iac.Value, error) {
	return comparison(c, func(n int) bool { return n <= 0 })
}

func comparison(c Call, ok func(int) bool) (*iac.Value, error) {
	n, err := Compare(c.Args[0], c.Args[1])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	return c.newBool(ok(n)), nil
}

// Compare orders two numbers or two strings (ordinally).
func Compare(a, b *iac.Value) (int, error) {
	switch {
	case a.Kind == iac.Number && b.Kind == iac.Number:
		switch {
		case a.Number < b.Number:
			return -1, nil
		case a.Number > b.Number:
			return 1, nil
		}
		return 0, nil
	case a.Kind == iac.String && b.Kind == iac.String:
		return strings.Compare(a.Str, b.Str), nil
	}
	return 0, fmt.Errorf("cannot compare %s with %s", a.Kind, b.Kind)
}
