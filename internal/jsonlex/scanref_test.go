package jsonlex

// scanValueReference is ScanValue as it was before its run of array numbers read the usual
// number inline and before it lost its defer (commit 2a53942), kept to check the new one
// against, end and fault offsets included (TestScanValueMatchesReference,
// FuzzScanValueMatchesReference).
func scanValueReference(b []byte, i int, stack *[]byte) (end int, ok bool) {
	st := (*stack)[:0]
	defer func() { *stack = st }()
	n := len(b)
	var c byte
	var open int
value:
	for i < n && isSpace[b[i]] {
		i++
	}
	if i >= n {
		return n, false
	}
	c = b[i]
	switch {
	case c >= '0' && c <= '9' || c == '-': // first: most values of a COCO file are numbers
		if i, ok = scanNumber(b, i); !ok {
			return i, false
		}
		goto after
	case c == '{':
		open = i
		i++
		for i < n && isSpace[b[i]] {
			i++
		}
		if i >= n {
			return n, false
		}
		if len(st) >= maxDepth {
			return open, false // encoding/json counts the empty ones too
		}
		if b[i] == '}' {
			i++
			goto after
		}
		st = append(st, '}')
		goto key
	case c == '[':
		open = i
		i++
		for i < n && isSpace[b[i]] {
			i++
		}
		if i >= n {
			return n, false
		}
		if len(st) >= maxDepth {
			return open, false // encoding/json counts the empty ones too
		}
		if b[i] == ']' {
			i++
			goto after
		}
		st = append(st, ']')
		goto value
	case c == '"':
		if i, ok = scanString(b, i); !ok {
			return i, false
		}
		goto after
	case c == 't':
		if i, ok = scanLiteral(b, i, "true"); !ok {
			return i, false
		}
		goto after
	case c == 'f':
		if i, ok = scanLiteral(b, i, "false"); !ok {
			return i, false
		}
		goto after
	case c == 'n':
		if i, ok = scanLiteral(b, i, "null"); !ok {
			return i, false
		}
		goto after
	default:
		return i, false
	}
key:
	if b[i] != '"' {
		return i, false
	}
	if i, ok = scanString(b, i); !ok {
		return i, false
	}
	for i < n && isSpace[b[i]] {
		i++
	}
	if i >= n {
		return n, false
	}
	if b[i] != ':' {
		return i, false
	}
	i++
	goto value
after:
	if len(st) == 0 {
		return i, true
	}
	for i < n && isSpace[b[i]] {
		i++
	}
	if i >= n {
		return n, false
	}
	switch c = b[i]; {
	case c == ',':
		i++
		if st[len(st)-1] == '}' {
			for i < n && isSpace[b[i]] {
				i++
			}
			if i >= n {
				return n, false
			}
			goto key
		}
		// In an array, a run of numbers each right after its comma (coordinates, the
		// usual case) is scanned here, without the round through value and after.
		for i < n && (b[i] >= '0' && b[i] <= '9' || b[i] == '-') {
			if i, ok = scanNumber(b, i); !ok {
				return i, false
			}
			if b[i] != ',' { // scanNumber stops before a byte that follows the number
				goto after
			}
			i++
		}
		goto value
	case c == st[len(st)-1]:
		st = st[:len(st)-1]
		i++
		goto after
	}
	return i, false
}
