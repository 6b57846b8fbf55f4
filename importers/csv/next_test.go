package csv

// next returns the next record's fields (a new slice, the fields valid until the next scan),
// or what scan returns: the tests' and the serial reference reader's way to read records.
func (s *scanner) next() ([][]byte, error) {
	if err := s.scan(); err != nil {
		return nil, err
	}
	fields := make([][]byte, s.numFields())
	for i := range fields {
		fields[i] = s.field(i)
	}
	return fields, nil
}

// blank reports whether every field is empty or white space (blankFields for next's fields).
func blank(fields [][]byte) bool {
	for _, f := range fields {
		if !isBlank(f) {
			return false
		}
	}
	return true
}
