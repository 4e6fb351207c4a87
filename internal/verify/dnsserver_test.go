package verify

import (
	"context"
	"encoding/binary"
	"net"
	"strings"
	"testing"
)

// dnsRecord is one answer of the test zone: Type is 1 (A), 5 (CNAME) or
// 16 (TXT); Value an IPv4 address, a name or the TXT text.
type dnsRecord struct {
	Type  uint16
	Value string
}

// dnsServer answers queries for the zone on a loopback UDP port, and
// returns a resolver that sends every query there: the tests reach no
// other DNS server. A name missing from the zone is NXDOMAIN; a CNAME
// answers every query type for its name, as a real server does.
func dnsServer(t *testing.T, zone map[string][]dnsRecord) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := dnsAnswer(buf[:n], zone); resp != nil {
				_, _ = pc.WriteTo(resp, from)
			}
		}
	}()
	addr := pc.LocalAddr().String()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", addr)
	}}
}

// dnsAnswer builds the response to one query (RFC 1035, section 4).
func dnsAnswer(q []byte, zone map[string][]dnsRecord) []byte {
	if len(q) < 12 {
		return nil
	}
	// The question: labels up to the root, then type and class.
	i := 12
	var labels []string
	for i < len(q) && q[i] != 0 {
		l := int(q[i])
		if i+1+l > len(q) {
			return nil
		}
		labels = append(labels, string(q[i+1:i+1+l]))
		i += 1 + l
	}
	if i+5 > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[i+1:])
	question := q[12 : i+5]
	name := strings.ToLower(strings.Join(labels, "."))

	records, found := zone[name]
	var answers [][]byte
	for _, r := range records {
		if r.Type == qtype || r.Type == 5 {
			answers = append(answers, dnsRR(r))
		}
	}
	resp := make([]byte, 12, 512)
	copy(resp, q[:2])
	flags := uint16(0x8180) // a response, recursion desired and available
	if !found {
		flags |= 3 // NXDOMAIN
	}
	binary.BigEndian.PutUint16(resp[2:], flags)
	binary.BigEndian.PutUint16(resp[4:], 1)
	binary.BigEndian.PutUint16(resp[6:], uint16(len(answers)))
	resp = append(resp, question...)
	for _, a := range answers {
		resp = append(resp, a...)
	}
	return resp
}

// dnsRR is one answer record for the question's name (a pointer to it).
func dnsRR(r dnsRecord) []byte {
	var data []byte
	switch r.Type {
	case 1:
		data = net.ParseIP(r.Value).To4()
	case 5:
		data = dnsName(r.Value)
	case 16:
		data = append([]byte{byte(len(r.Value))}, r.Value...)
	}
	rr := []byte{0xc0, 12}
	rr = binary.BigEndian.AppendUint16(rr, r.Type)
	rr = binary.BigEndian.AppendUint16(rr, 1)
	rr = binary.BigEndian.AppendUint32(rr, 60)
	rr = binary.BigEndian.AppendUint16(rr, uint16(len(data)))
	return append(rr, data...)
}

func dnsName(name string) []byte {
	var b []byte
	for _, l := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}

// Names compare without case or the root's dot; TXT values compare as
// written.
func TestDNSRecordTypes(t *testing.T) {
	t.Parallel()
	resolver := dnsServer(t, map[string][]dnsRecord{
		"app.verify.test": {{1, "10.0.3.7"}},
		"www.verify.test": {{5, "App.Verify.Test."}},
		"txt.verify.test": {{16, "Site-Verification=AbC"}},
	})
	specs := load(t, `
verify "a" {
  dns {
    name   = "app.verify.test"
    type   = "A"
    expect = "10.0.3.7"
  }
}
verify "any_type" {
  dns { name = "app.verify.test" }
}
verify "cname" {
  dns {
    name   = "www.verify.test"
    type   = "CNAME"
    expect = "app.verify.test"
  }
}
verify "cname_elsewhere" {
  timeout = "1s"
  dns {
    name   = "www.verify.test"
    type   = "CNAME"
    expect = "APP.elsewhere.test."
  }
}
verify "txt" {
  dns {
    name   = "txt.verify.test"
    type   = "TXT"
    expect = "Site-Verification=AbC"
  }
}
verify "txt_other_case" {
  timeout = "1s"
  dns {
    name   = "txt.verify.test"
    type   = "TXT"
    expect = "site-verification=abc"
  }
}
verify "missing" {
  timeout = "1s"
  dns {
    name = "missing.verify.test"
    type = "A"
  }
}
`, nil)
	got := run(t, verifier(t, Options{Resolver: resolver}), specs)
	for name, want := range map[string]string{
		"a":               "app.verify.test resolves to 10.0.3.7",
		"any_type":        "app.verify.test resolves to 10.0.3.7",
		"cname":           "www.verify.test resolves to app.verify.test",
		"cname_elsewhere": "www.verify.test resolves to app.verify.test, not APP.elsewhere.test.",
		"txt":             "txt.verify.test resolves to Site-Verification=AbC",
		"txt_other_case":  "txt.verify.test resolves to Site-Verification=AbC, not site-verification=abc",
		"missing":         "missing.verify.test does not resolve (no such host)",
	} {
		r := got[name]
		if r.Passed != (name == "a" || name == "any_type" || name == "cname" || name == "txt") || !strings.HasPrefix(r.Reason, want) {
			t.Errorf("%s: got %+v, want the reason %q", name, r, want)
		}
	}
	if a, untyped := got["a"].Target, got["any_type"].Target; a != "app.verify.test A" || untyped != "app.verify.test" {
		t.Errorf("targets: %q with a type, %q without", a, untyped)
	}
}
