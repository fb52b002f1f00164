package sisgru

import "time"

// Field is one element of a resource (T is [GRU] or [Pagamento]): a leaf
// holding a value, or an object (ug, servico, ...) whose Children are
// leaves. Leaves are what the store keeps as columns; objects are filtered
// and sorted by their first child (their key: ug by ug/codigo, servico by
// servico/id), as the notes say of "ug" [C].
type Field[T any] struct {
	// Name is the XML element name.
	Name string
	// Path is the dotted path from the item: "vlTotal", "ug.codigo".
	Path string
	// Kind is the leaf's value kind (0 for objects).
	Kind Kind
	// Optional leaves are omitted from the XML when empty.
	Optional bool
	// Children are an object's leaves, key first.
	Children []*Field[T]
	// Index is the leaf's position in [Schema.Leaves] (-1 for objects).
	Index int
	// check, when set, further validates text filter values (UG codes are
	// six digits, and so on).
	check func(string) bool

	get func(*T) Value
	set func(*T, Value)
}

// Get returns the leaf's value in t.
func (f *Field[T]) Get(t *T) Value { return f.get(t) }

// Set stores v as the leaf's value in t.
func (f *Field[T]) Set(t *T, v Value) { f.set(t, v) }

// Leaf returns the leaf that stands for f in filters and sorts: f itself,
// or an object's key.
func (f *Field[T]) Leaf() *Field[T] {
	if len(f.Children) > 0 {
		return f.Children[0]
	}
	return f
}

// IsObject reports whether f is an object element.
func (f *Field[T]) IsObject() bool { return len(f.Children) > 0 }

// ColumnSet is a set of leaves, by [Field.Index] (both resources have fewer
// than 64).
type ColumnSet uint64

// Has reports whether s holds leaf index i.
func (s ColumnSet) Has(i int) bool { return s&(1<<uint(i)) != 0 }

// Schema describes one resource: its root and item element names, its
// elements in XML order and its leaves in storage order.
type Schema[T any] struct {
	// Root and Item are the list and item elements: grus/gru,
	// pagamentos/pagamento.
	Root, Item string
	// Fields are the top-level elements in XML order.
	Fields []*Field[T]
	// Leaves are every leaf, in Fields order, objects' children inline.
	Leaves []*Field[T]
	// ID is the identifier leaf, the last sort key of every list.
	ID *Field[T]
	// DefaultSort is the order of a list without sort [G: creation order,
	// DESIGN.md "Lists": the issue date or time, then id].
	DefaultSort []Order
	// UGs are the leaves naming a UG, which decide who may read a record.
	UGs []*Field[T]
	// Situacao is the status leaf (counted by the store).
	Situacao *Field[T]

	byName map[string]*Field[T]
	byPath map[string]*Field[T]
	all    ColumnSet
}

// newSchema indexes fields.
func newSchema[T any](root, item string, fields []*Field[T]) *Schema[T] {
	s := &Schema[T]{Root: root, Item: item, Fields: fields, byName: map[string]*Field[T]{}, byPath: map[string]*Field[T]{}}
	for _, f := range fields {
		s.byName[f.Name] = f
		if len(f.Children) == 0 {
			f.Path, f.Index = f.Name, len(s.Leaves)
			s.Leaves = append(s.Leaves, f)
			s.byPath[f.Path] = f
			continue
		}
		f.Path, f.Index = f.Name, -1
		for _, c := range f.Children {
			c.Path, c.Index = f.Name+"."+c.Name, len(s.Leaves)
			s.Leaves = append(s.Leaves, c)
			s.byPath[c.Path] = c
		}
	}
	if len(s.Leaves) > 64 {
		panic("sisgru: more than 64 leaves")
	}
	s.all = ColumnSet(1<<uint(len(s.Leaves)) - 1)
	return s
}

// Field returns the top-level element called name, or nil.
func (s *Schema[T]) Field(name string) *Field[T] { return s.byName[name] }

// LeafByPath returns the leaf at path ("vlTotal", "ug.codigo"), or nil.
func (s *Schema[T]) LeafByPath(path string) *Field[T] { return s.byPath[path] }

// All returns the set of every leaf.
func (s *Schema[T]) All() ColumnSet { return s.all }

// Columns returns the leaves of the top-level fields in shown.
func (s *Schema[T]) Columns(shown []*Field[T]) ColumnSet {
	var c ColumnSet
	for _, f := range shown {
		if f.IsObject() {
			for _, ch := range f.Children {
				c |= 1 << uint(ch.Index)
			}
		} else {
			c |= 1 << uint(f.Index)
		}
	}
	return c
}

// Leaf constructors, used by the resource tables.

func text[T any](name string, get func(*T) *string) *Field[T] {
	return &Field[T]{Name: name, Kind: KindText,
		get: func(t *T) Value { return Value{S: *get(t)} },
		set: func(t *T, v Value) { *get(t) = v.S }}
}

func integer[T any](name string, get func(*T) *int64) *Field[T] {
	return numeric(name, KindInt, get)
}

func numeric[T any](name string, k Kind, get func(*T) *int64) *Field[T] {
	return &Field[T]{Name: name, Kind: k,
		get: func(t *T) Value { return Value{N: *get(t)} },
		set: func(t *T, v Value) { *get(t) = v.N }}
}

func date[T any](name string, get func(*T) *Date) *Field[T] {
	return &Field[T]{Name: name, Kind: KindDate,
		get: func(t *T) Value { return Value{N: int64(*get(t))} },
		set: func(t *T, v Value) { *get(t) = Date(v.N) }}
}

func month[T any](name string, get func(*T) *Month) *Field[T] {
	return &Field[T]{Name: name, Kind: KindMonth,
		get: func(t *T) Value { return Value{N: int64(*get(t))} },
		set: func(t *T, v Value) { *get(t) = Month(v.N) }}
}

func timestamp[T any](name string, get func(*T) *time.Time) *Field[T] {
	return &Field[T]{Name: name, Kind: KindTimestamp,
		get: func(t *T) Value { return Value{N: Micros(*get(t))} },
		set: func(t *T, v Value) { *get(t) = FromMicros(v.N) }}
}

func object[T any](name string, children ...*Field[T]) *Field[T] {
	return &Field[T]{Name: name, Children: children}
}

// opt marks f optional.
func opt[T any](f *Field[T]) *Field[T] { f.Optional = true; return f }

// checked adds a validity check of text filter values to f.
func checked[T any](f *Field[T], check func(string) bool) *Field[T] { f.check = check; return f }

// isUG reports whether s is a UG code: six digits.
func isUG(s string) bool { return isDigits(s, 6) }
