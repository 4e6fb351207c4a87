package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/stackctl/stackctl/internal/config"
)

// checkDNS resolves the name (through the resolver, never --resolve: a
// DNS check is about what DNS answers) and looks for every expected
// value among the answers.
func (v *Verifier) checkDNS(ctx context.Context, d *config.DNSCheck) outcome {
	r := v.opts.Resolver
	var answers []string
	var err error
	switch d.Type {
	case "":
		answers, err = r.LookupHost(ctx, d.Name)
	case "A", "AAAA":
		network := map[string]string{"A": "ip4", "AAAA": "ip6"}[d.Type]
		var ips []net.IP
		ips, err = r.LookupIP(ctx, network, d.Name)
		for _, ip := range ips {
			answers = append(answers, ip.String())
		}
	case "CNAME":
		var cname string
		cname, err = r.LookupCNAME(ctx, d.Name)
		answers = []string{cname}
	case "TXT":
		answers, err = r.LookupTXT(ctx, d.Name)
	}
	if err != nil {
		var de *net.DNSError
		if errors.As(err, &de) && de.IsNotFound {
			return outcome{reason: fmt.Sprintf("%s does not resolve (no such host)", d.Name)}
		}
		return outcome{reason: fmt.Sprintf("%s does not resolve: %v", d.Name, err)}
	}
	canon := canonicalDNS
	if d.Type == "TXT" {
		canon = func(s string) string { return s }
	}
	for i := range answers {
		answers[i] = canon(answers[i])
	}
	slices.Sort(answers)
	answers = slices.Compact(answers)
	if len(answers) == 0 {
		return outcome{reason: d.Name + " resolves to nothing"}
	}
	got := strings.Join(answers, ", ")
	var missing []string
	for _, want := range d.Expect {
		if !slices.Contains(answers, canon(want)) {
			missing = append(missing, want)
		}
	}
	if len(missing) > 0 {
		return outcome{reason: fmt.Sprintf("%s resolves to %s, not %s", d.Name, got, strings.Join(missing, ", "))}
	}
	return outcome{ok: true, reason: d.Name + " resolves to " + got}
}

// canonicalDNS compares names without case or the root's dot, and IP
// addresses in their usual form.
func canonicalDNS(s string) string {
	if ip := net.ParseIP(s); ip != nil {
		return ip.String()
	}
	return strings.ToLower(strings.TrimSuffix(s, "."))
}
