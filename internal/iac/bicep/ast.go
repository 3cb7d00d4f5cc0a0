package bicep

// File is one parsed .bicep or .bicepparam file.
type File struct {
	Path   string
	Stmts  []Stmt
	Errors []SyntaxError
}

// SyntaxError is a parse error at a position.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e SyntaxError) Error() string { return e.Pos.String() + ": " + e.Msg }

// Stmt is a top-level statement.
type Stmt interface{ Start() Pos }

// Expr is an expression.
type Expr interface{ Start() Pos }

// Decorator is "@name(args)" or "@ns.name(args)" in front of a declaration.
type Decorator struct {
	P    Pos
	Call *Call
}

// Statements.
type (
	TargetScope struct {
		P     Pos
		Value Expr
	}
	Metadata struct {
		P     Pos
		Name  string
		Value Expr
	}
	// Param is "param name type = default" in a template, or "param name = value" in a
	// .bicepparam file (Type is nil there).
	Param struct {
		P          Pos
		Decorators []*Decorator
		Name       string
		Type       *TypeExpr
		Default    Expr
	}
	Var struct {
		P          Pos
		Decorators []*Decorator
		Name       string
		Type       *TypeExpr
		Value      Expr
	}
	// Resource is "resource name 'type@version' [existing] = body", where body is an
	// object, an IfExpr or a ForExpr.
	Resource struct {
		P          Pos
		Decorators []*Decorator
		Name       string
		TypeRef    string
		TypePos    Pos
		Existing   bool
		Body       Expr
		// Broken is set when a syntax error fell inside the declaration: what was
		// parsed of it is cut short, so it is not judged.
		Broken bool
	}
	Module struct {
		P          Pos
		Decorators []*Decorator
		Name       string
		Path       string
		PathPos    Pos
		Body       Expr
	}
	Output struct {
		P          Pos
		Decorators []*Decorator
		Name       string
		Type       *TypeExpr
		Value      Expr
	}
	TypeDecl struct {
		P          Pos
		Decorators []*Decorator
		Name       string
		Type       *TypeExpr
	}
	Func struct {
		P          Pos
		Decorators []*Decorator
		Name       string
		Params     []FuncParam
		Result     *TypeExpr
		Body       Expr
	}
	// Import covers "import", "extension" and "provider" statements. Names lists the
	// symbols of "import {a, b as c} from 'f.bicep'"; Wildcard is the alias of
	// "import * as x from 'f.bicep'".
	Import struct {
		P          Pos
		Decorators []*Decorator
		Keyword    string
		Path       string
		From       bool
		Names      []ImportName
		Wildcard   string
		Alias      string
	}
	// Using is "using './main.bicep'" (or "using none") in a .bicepparam file.
	Using struct {
		P    Pos
		Path string
		None bool
	}
	Extends struct {
		P    Pos
		Path string
	}
	// Assert is "assert name = condition" (the "assertions" experimental feature).
	Assert struct {
		P          Pos
		Decorators []*Decorator
		Name       string
		Value      Expr
	}
	// BadStmt stands for a statement that did not parse.
	BadStmt struct {
		P Pos
	}
)

// FuncParam is one parameter of a user-defined function.
type FuncParam struct {
	Name string
	Type *TypeExpr
}

// ImportName is one symbol of an import list.
type ImportName struct {
	P     Pos
	Name  string
	Alias string
}

// TypeExpr is a type as written. Evaluation only needs a rough shape, so it keeps a
// readable text and the parts that matter: whether it is nullable, an array, or a
// union of literals (used like @allowed).
type TypeExpr struct {
	P        Pos
	Text     string
	Nullable bool
}

// Expressions.
type (
	// StringLit is a string; Parts has one more element than Exprs and they
	// interleave: Parts[0] Exprs[0] Parts[1] ...
	StringLit struct {
		P     Pos
		Parts []string
		Exprs []Expr
	}
	IntLit struct {
		P     Pos
		Value int64
	}
	BoolLit struct {
		P     Pos
		Value bool
	}
	NullLit struct{ P Pos }
	Ident   struct {
		P    Pos
		Name string
	}
	ArrayLit struct {
		P     Pos
		Items []Expr
	}
	ObjectLit struct {
		P     Pos
		Props []*Property
	}
	// Member is x.name or x.?name.
	Member struct {
		P    Pos
		X    Expr
		Name string
		Safe bool
	}
	// Index is x[i] or x[?i].
	Index struct {
		P     Pos
		X     Expr
		Index Expr
		Safe  bool
	}
	// Call is name(args) or target.name(args), e.g. az.resourceGroup() or stg.listKeys().
	Call struct {
		P      Pos
		Target Expr
		Name   string
		Args   []Expr
	}
	Ternary struct {
		P                Pos
		Cond, Then, Else Expr
	}
	Binary struct {
		P    Pos
		Op   string
		L, R Expr
	}
	Unary struct {
		P  Pos
		Op string
		X  Expr
	}
	// NonNull is the postfix "!" assertion.
	NonNull struct {
		P Pos
		X Expr
	}
	// ResourceAccess is parent::child.
	ResourceAccess struct {
		P    Pos
		X    Expr
		Name string
	}
	Lambda struct {
		P      Pos
		Params []string
		Body   Expr
	}
	// IfExpr is the "if (cond) body" form of a resource or module body.
	IfExpr struct {
		P    Pos
		Cond Expr
		Body Expr
	}
	// ForExpr is "[for item in iter: body]" or "[for (item, i) in iter: body]".
	ForExpr struct {
		P     Pos
		Item  string
		Index string
		Iter  Expr
		Body  Expr
	}
	Paren struct {
		P Pos
		X Expr
	}
	Spread struct {
		P Pos
		X Expr
	}
	BadExpr struct{ P Pos }
)

// Property is one "key: value" of an object, or a spread "...expr" (Spread set), or a
// nested resource declaration (Resource set).
type Property struct {
	P          Pos
	Key        string
	KeyExpr    Expr // set when the key is an interpolated string
	Value      Expr
	Decorators []*Decorator
	Spread     Expr
	Resource   *Resource
}

func (s *TargetScope) Start() Pos    { return s.P }
func (s *Metadata) Start() Pos       { return s.P }
func (s *Param) Start() Pos          { return s.P }
func (s *Var) Start() Pos            { return s.P }
func (s *Resource) Start() Pos       { return s.P }
func (s *Module) Start() Pos         { return s.P }
func (s *Output) Start() Pos         { return s.P }
func (s *TypeDecl) Start() Pos       { return s.P }
func (s *Func) Start() Pos           { return s.P }
func (s *Import) Start() Pos         { return s.P }
func (s *Using) Start() Pos          { return s.P }
func (s *Extends) Start() Pos        { return s.P }
func (s *Assert) Start() Pos         { return s.P }
func (s *BadStmt) Start() Pos        { return s.P }
func (e *StringLit) Start() Pos      { return e.P }
func (e *IntLit) Start() Pos         { return e.P }
func (e *BoolLit) Start() Pos        { return e.P }
func (e *NullLit) Start() Pos        { return e.P }
func (e *Ident) Start() Pos          { return e.P }
func (e *ArrayLit) Start() Pos       { return e.P }
func (e *ObjectLit) Start() Pos      { return e.P }
func (e *Member) Start() Pos         { return e.P }
func (e *Index) Start() Pos          { return e.P }
func (e *Call) Start() Pos           { return e.P }
func (e *Ternary) Start() Pos        { return e.P }
func (e *Binary) Start() Pos         { return e.P }
func (e *Unary) Start() Pos          { return e.P }
func (e *NonNull) Start() Pos        { return e.P }
func (e *ResourceAccess) Start() Pos { return e.P }
func (e *Lambda) Start() Pos         { return e.P }
func (e *IfExpr) Start() Pos         { return e.P }
func (e *ForExpr) Start() Pos        { return e.P }
func (e *Paren) Start() Pos          { return e.P }
func (e *Spread) Start() Pos         { return e.P }
func (e *BadExpr) Start() Pos        { return e.P }

// literal reports whether s is a string without interpolation, and its text.
func (s *StringLit) literal() (string, bool) {
	if len(s.Exprs) == 0 {
		return s.Parts[0], true
	}
	return "", false
}
