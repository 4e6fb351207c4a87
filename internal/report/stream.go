package report

import (
	"bytes"
	"sync"
)

// prefixWriter writes whole lines, each with the unit's prefix, so that
// parallel units' output interleaves by line and never mid-line.
type prefixWriter struct {
	mu     sync.Mutex
	w      *lockedWriter
	prefix string
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	var out bytes.Buffer
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		out.WriteString(p.prefix)
		out.Write(p.buf[:i+1])
		p.buf = p.buf[i+1:]
	}
	if out.Len() > 0 {
		p.w.write(out.Bytes())
	}
	return len(b), nil
}

func (p *prefixWriter) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		p.w.write([]byte(p.prefix + string(p.buf) + "\n"))
		p.buf = nil
	}
}
