package redact

import (
	"encoding/json"
	"regexp"
	"strings"
)

// Terraform prints a resource's ID in its progress lines ("Read complete
// after 0s [id=…]", "Creation complete…", "Refreshing state… [id=…]"),
// and for some types the ID is the secret itself: terraform only hides
// values of attributes declared sensitive, and an ID never is. The Writer
// learns such IDs from the lines that print them and masks them there and
// in every later line.

// secretIDType reports whether a resource type's ID is its secret value.
// The type is as written in an address: "data." first for a data source.
func secretIDType(typ string) bool {
	switch typ {
	case "data.aws_secretsmanager_random_password", // id = the password
		"random_string",   // id = result
		"random_password", // id is "none" today; an older provider used the result
		"data.vault_generic_secret", "data.vault_kv_secret_v2":
		return true
	}
	return false
}

// progressLine matches terraform's human progress lines that carry an ID:
// the resource address, the message, and everything after "[id=".
var progressLine = regexp.MustCompile(`((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*(?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?): (?:Read complete|Creation complete|Modifications complete|Refreshing state|Destroying|Still [a-z]+|Preparing import|Importing)[^\[]*\[id=(.*)\]`)

// ansi matches colour escapes, which terraform wraps around progress lines.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// elapsed is the tail "Still creating..." lines add to the ID.
var elapsed = regexp.MustCompile(`, (?:[0-9]+h)?(?:[0-9]+m)?[0-9]+s elapsed$`)

// addrType returns the resource type of an absolute address, with "data."
// in front for a data source: module.db.data.aws_x.y["k"] → data.aws_x.
func addrType(addr string) string {
	for strings.HasPrefix(addr, "module.") {
		rest := addr[len("module."):]
		i := strings.IndexByte(rest, '.')
		if i < 0 {
			return ""
		}
		name := rest[:i]
		if j := strings.IndexByte(name, '['); j >= 0 {
			// An instance key may hold dots: skip to its closing bracket.
			k := strings.Index(rest, "].")
			if k < 0 {
				return ""
			}
			i = k + 1
		}
		addr = rest[i+1:]
	}
	parts := strings.SplitN(addr, ".", 3)
	if parts[0] == "data" {
		if len(parts) < 2 {
			return ""
		}
		return "data." + parts[1]
	}
	return parts[0]
}

// learnIDs returns the secret IDs a line of terraform output reveals.
func learnIDs(line []byte) []string {
	if !strings.Contains(string(line), "id") {
		return nil
	}
	if s := strings.TrimSpace(string(line)); strings.HasPrefix(s, "{") {
		return learnJSON(s)
	}
	plain := ansi.ReplaceAllString(strings.TrimRight(string(line), "\r\n"), "")
	m := progressLine.FindStringSubmatch(plain)
	if m == nil || !secretIDType(addrType(m[1])) {
		return nil
	}
	id := elapsed.ReplaceAllString(m[2], "")
	// Terraform shortens IDs over 80 characters to a prefix and "...":
	// the prefix is what it printed, and what must not show.
	id = strings.TrimSuffix(id, "...")
	return keep(id)
}

// keep drops the placeholder IDs that are not the value: random_password's
// "none" would otherwise mask the word everywhere.
func keep(id string) []string {
	if id == "" || id == "none" {
		return nil
	}
	return []string{id}
}

// learnJSON reads terraform's machine-readable UI (-json): the hook's
// resource and id_value.
func learnJSON(s string) []string {
	var msg struct {
		Hook struct {
			Resource struct {
				Addr string `json:"addr"`
			} `json:"resource"`
			IDValue string `json:"id_value"`
		} `json:"hook"`
	}
	if json.Unmarshal([]byte(s), &msg) != nil || msg.Hook.IDValue == "" {
		return nil
	}
	if !secretIDType(addrType(msg.Hook.Resource.Addr)) {
		return nil
	}
	return keep(msg.Hook.IDValue)
}
