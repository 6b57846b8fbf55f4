package conll

// The option types are encoding.TextMarshaler and TextUnmarshaler, so that they can be flags
// (flag.TextVar) or read from any text configuration; UnmarshalText accepts what the Parse
// functions accept.

// MarshalText gives the scheme's name ("" for none).
func (s Scheme) MarshalText() ([]byte, error) { return []byte(s), nil }

// UnmarshalText reads a scheme as ParseScheme does.
func (s *Scheme) UnmarshalText(b []byte) error { return unmarshal(s, b, ParseScheme) }

// MarshalText gives the join's name.
func (j Join) MarshalText() ([]byte, error) { return []byte(j), nil }

// UnmarshalText reads a join as ParseJoin does.
func (j *Join) UnmarshalText(b []byte) error { return unmarshal(j, b, ParseJoin) }

// MarshalText gives the group's name.
func (g Group) MarshalText() ([]byte, error) { return []byte(g), nil }

// UnmarshalText reads a group as ParseGroup does.
func (g *Group) UnmarshalText(b []byte) error { return unmarshal(g, b, ParseGroup) }

// MarshalText gives the unit's name.
func (o Offsets) MarshalText() ([]byte, error) { return []byte(o), nil }

// UnmarshalText reads a unit as ParseOffsets does.
func (o *Offsets) UnmarshalText(b []byte) error { return unmarshal(o, b, ParseOffsets) }

func unmarshal[T any](dst *T, b []byte, parse func(string) (T, error)) error {
	v, err := parse(string(b))
	if err == nil {
		*dst = v
	}
	return err
}
