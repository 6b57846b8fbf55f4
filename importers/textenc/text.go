package textenc

// MarshalText gives the encoding's name, so an Encoding can be a flag (flag.TextVar).
func (e Encoding) MarshalText() ([]byte, error) { return []byte(e), nil }

// UnmarshalText reads a name as Parse does.
func (e *Encoding) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err == nil {
		*e = v
	}
	return err
}
