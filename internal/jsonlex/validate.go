package jsonlex

// maxDepth is encoding/json's nesting limit, which ScanValue keeps too.
const maxDepth = 10000

// strSpecial marks the bytes a string's scan stops at.
var strSpecial = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

var isSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// ScanValue checks the JSON value that starts at b[i] and returns the index just past it,
// accepting exactly what encoding/json accepts (invalid UTF-8 included). When the value is
// not well-formed ok is false and end is the index of the fault, or len(b) when b ends
// before the value does (a number at the very end counts as unfinished). stack is scratch.
func ScanValue(b []byte, i int, stack *[]byte) (end int, ok bool) {
	end, ok, *stack = scanValue(b, i, (*stack)[:0])
	return end, ok
}

// scanValue is ScanValue with its scratch stack st passed and returned (a deferred store
// cost as much as scanning a short element).
func scanValue(b []byte, i int, st []byte) (end int, ok bool, _ []byte) {
	n := len(b)
	var c byte
	var open int
value:
	for i < n && isSpace[b[i]] {
		i++
	}
	if i >= n {
		return n, false, st
	}
	c = b[i]
	switch {
	case c >= '0' && c <= '9' || c == '-': // first: most values of a COCO file are numbers
		if i, ok = scanNumber(b, i); !ok {
			return i, false, st
		}
		goto after
	case c == '{':
		open = i
		i++
		for i < n && isSpace[b[i]] {
			i++
		}
		if i >= n {
			return n, false, st
		}
		if len(st) >= maxDepth {
			return open, false, st // encoding/json counts the empty ones too
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
			return n, false, st
		}
		if len(st) >= maxDepth {
			return open, false, st // encoding/json counts the empty ones too
		}
		if b[i] == ']' {
			i++
			goto after
		}
		st = append(st, ']')
		goto value
	case c == '"':
		if i, ok = scanString(b, i); !ok {
			return i, false, st
		}
		goto after
	case c == 't':
		if i, ok = scanLiteral(b, i, "true"); !ok {
			return i, false, st
		}
		goto after
	case c == 'f':
		if i, ok = scanLiteral(b, i, "false"); !ok {
			return i, false, st
		}
		goto after
	case c == 'n':
		if i, ok = scanLiteral(b, i, "null"); !ok {
			return i, false, st
		}
		goto after
	default:
		return i, false, st
	}
key:
	if b[i] != '"' {
		return i, false, st
	}
	{
		// A key without escapes (nearly all) is read here without a call; any other is
		// read again from its quote by scanString.
		j := i + 1
		for j < n && !strSpecial[b[j]] {
			j++
		}
		if j < n && b[j] == '"' {
			i = j + 1
		} else if i, ok = scanString(b, i); !ok {
			return i, false, st
		}
	}
	for i < n && isSpace[b[i]] {
		i++
	}
	if i >= n {
		return n, false, st
	}
	if b[i] != ':' {
		return i, false, st
	}
	i++
	goto value
after:
	if len(st) == 0 {
		return i, true, st
	}
	for i < n && isSpace[b[i]] {
		i++
	}
	if i >= n {
		return n, false, st
	}
	switch c = b[i]; {
	case c == ',':
		i++
		if st[len(st)-1] == '}' {
			for i < n && isSpace[b[i]] {
				i++
			}
			if i >= n {
				return n, false, st
			}
			goto key
		}
		// In an array, a run of numbers each right after its comma (coordinates, the
		// usual case) is scanned here, without the round through value and after.
		for i < n {
			// The usual number, digits without a leading zero and perhaps a fraction, is
			// read here without a call; anything else (a sign, a leading zero, an exponent,
			// a fault, the end of b) is read again from its start by scanNumber.
			if b[i]-'1' < 9 {
				j := i + 1
				for j < n && b[j]-'0' < 10 {
					j++
				}
				if j+1 < n && b[j] == '.' && b[j+1]-'0' < 10 {
					j += 2
					for j < n && b[j]-'0' < 10 {
						j++
					}
				}
				if j < n {
					if b[j] == ',' {
						i = j + 1
						continue
					}
					if b[j] == ']' {
						i = j
						goto after
					}
				}
			}
			if !(b[i] >= '0' && b[i] <= '9' || b[i] == '-') {
				break
			}
			if i, ok = scanNumber(b, i); !ok {
				return i, false, st
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
	return i, false, st
}

// scanString moves past the string at b[i] (a '"').
func scanString(b []byte, i int) (int, bool) {
	n := len(b)
	i++
	for {
		for i < n && !strSpecial[b[i]] {
			i++
		}
		if i >= n {
			return n, false
		}
		switch b[i] {
		case '"':
			return i + 1, true
		case '\\':
			i++
			if i >= n {
				return n, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				i++
				for k := 0; k < 4; k++ {
					if i >= n {
						return n, false
					}
					if c := b[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
						return i, false
					}
					i++
				}
			default:
				return i, false
			}
		default: // a control character
			return i, false
		}
	}
}

func scanLiteral(b []byte, i int, word string) (int, bool) {
	for k := 0; k < len(word); k++ {
		if i+k >= len(b) {
			return len(b), false
		}
		if b[i+k] != word[k] {
			return i + k, false
		}
	}
	return i + len(word), true
}

// scanNumber moves past the number at b[i]; a number that reaches the end of b is
// unfinished (more digits may follow).
func scanNumber(b []byte, i int) (int, bool) {
	n := len(b)
	if b[i] == '-' {
		i++
		if i >= n {
			return n, false
		}
	}
	switch c := b[i]; {
	case c == '0':
		i++
	case c >= '1' && c <= '9':
		i++
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return i, false
	}
	if i >= n {
		return n, false
	}
	if b[i] == '.' {
		i++
		if i >= n {
			return n, false
		}
		if b[i] < '0' || b[i] > '9' {
			return i, false
		}
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i >= n {
			return n, false
		}
	}
	if b[i] == 'e' || b[i] == 'E' {
		i++
		if i >= n {
			return n, false
		}
		if b[i] == '+' || b[i] == '-' {
			i++
			if i >= n {
				return n, false
			}
		}
		if b[i] < '0' || b[i] > '9' {
			return i, false
		}
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i >= n {
			return n, false
		}
	}
	return i, true
}
