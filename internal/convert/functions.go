package convert

import (
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// notConvertedFuncs are Terragrunt (and Terraform) functions with no
// stackctl counterpart, and why.
var notConvertedFuncs = map[string]string{
	"find_in_parent_folders":                       "names a file of the Terragrunt tree, which the stackctl tree does not have",
	"read_terragrunt_config":                       "reads a whole Terragrunt configuration; only its locals (read_terragrunt_config(...).locals.X) become env vars",
	"path_relative_from_include":                   "a path from the unit to the Terragrunt root, which the stackctl tree does not have",
	"get_original_terragrunt_dir":                  "a Terragrunt folder, which the stackctl tree does not have",
	"get_working_dir":                              "Terragrunt's cache folder; stackctl's working folder is .stackctl/cache/<env>/<unit>/src",
	"get_terraform_command":                        "stackctl configuration is the same for every command",
	"get_terraform_cli_args":                       "stackctl configuration is the same for every command",
	"get_terraform_commands_that_need_vars":        "used by extra_arguments, which has no stackctl form yet",
	"get_terraform_commands_that_need_input":       "used by extra_arguments, which has no stackctl form yet",
	"get_terraform_commands_that_need_locking":     "used by extra_arguments, which has no stackctl form yet",
	"get_terraform_commands_that_need_parallelism": "used by extra_arguments, which has no stackctl form yet",
	"get_aws_account_id":                           "stackctl has no function for the caller's AWS identity: use the aws_caller_identity data source in the module, or get_env",
	"get_aws_account_alias":                        "stackctl has no function for the caller's AWS identity: use the aws_iam_account_alias data source in the module, or get_env",
	"get_aws_caller_identity_arn":                  "stackctl has no function for the caller's AWS identity: use the aws_caller_identity data source in the module, or get_env",
	"get_aws_caller_identity_user_id":              "stackctl has no function for the caller's AWS identity: use the aws_caller_identity data source in the module, or get_env",
	"run_cmd":                                      "stackctl configuration runs no programs while it is read: compute the value in the module, or pass it with get_env",
	"sops_decrypt_file":                            "stackctl reads secrets with ssm_parameter (SecureString) or get_env, not from sops files",
	"get_platform":                                 "stackctl has no function for the operating system",
	"get_path_from_repo_root":                      "a path in the Terragrunt repository, which the stackctl tree does not have",
	"get_path_to_repo_root":                        "a path in the Terragrunt repository, which the stackctl tree does not have",
	"get_terragrunt_source_cli_flag":               "stackctl has no --source override",
	"read_tfvars_file":                             "stackctl reads no tfvars files in its configuration: move the values into inputs",
	"mark_as_read":                                 "stackctl's --changed-since follows the files it reads itself",
	"constraint_check":                             "stackctl has no version constraint function",
	"get_default_retryable_errors":                 "stackctl's retry block adds patterns to its own list: write only the extra ones",
	"timecmp":                                      "stackctl has no timecmp",
	"timestamp":                                    "stackctl leaves timestamp() out: an input that changes on every run makes every plan a change",
	"uuid":                                         "stackctl leaves uuid() out: an input that changes on every run makes every plan a change",
}

// unitDirText is a unit's folder in the stackctl tree, as get_terragrunt_dir()
// is the unit's folder in Terragrunt's.
const unitDirTmpl = "${get_repo_root()}/infra/live/${env.name}/${unit.path}"

// tgPathTmpl is path_relative_to_include(): the unit's path below the
// Terragrunt root, which state keys are usually made of, so existing
// states are found where they are.
const tgPathTmpl = "${env.terragrunt_path}/${unit.path}"

func (t *translator) call(n *hclsyntax.FunctionCallExpr, m repl) (repl, bool) {
	switch n.Name {
	case "get_terragrunt_dir":
		if t.kind == outVars {
			return t.fail(m, n.Range(), n.Name+"()", "an env var cannot depend on the unit")
		}
		m.text, m.tmpl = `"`+unitDirTmpl+`"`, unitDirTmpl
		return m, true
	case "get_parent_terragrunt_dir":
		m.text = "get_repo_root()"
		return m, true
	case "path_relative_to_include":
		if t.kind == outVars {
			return t.fail(m, n.Range(), n.Name+"()", "an env var cannot depend on the unit")
		}
		t.c.usesTGPath = true
		m.text, m.tmpl = `"`+tgPathTmpl+`"`, tgPathTmpl
		return m, true
	case "dirname":
		// dirname(find_in_parent_folders("root.hcl")) is the tree's root,
		// the way _envcommon paths are written.
		if len(n.Args) != 1 {
			return m, false
		}
		inner, ok := n.Args[0].(*hclsyntax.FunctionCallExpr)
		if !ok || inner.Name != "find_in_parent_folders" {
			return m, false
		}
		if len(t.units) == 0 {
			return t.fail(m, n.Range(), "find_in_parent_folders", notConvertedFuncs["find_in_parent_folders"])
		}
		for _, u := range t.units {
			v := t.c.ev.eval(t.f, n, u.file.path, u, t.f == u.file)
			if s, ok := stringValue(v); !ok || s != t.c.dir {
				return t.fail(m, n.Range(), "find_in_parent_folders", "names a folder of the Terragrunt tree other than its root, which the stackctl tree does not have")
			}
		}
		m.text = "get_repo_root()"
		return m, true
	case "merge":
		// merge(local.account_vars.locals, local.region_vars.locals, …) is
		// the env vars of those files: one object.
		if n.ExpandFinal || len(n.Args) == 0 {
			return m, false
		}
		var stems []string
		for _, a := range n.Args {
			s, ok := t.wholeStem(a)
			if !ok {
				return m, false
			}
			stems = append(stems, s)
		}
		if t.kind == outVars {
			return m, false
		}
		text, ok := t.c.vars.whole(stems)
		if !ok {
			return m, false
		}
		m.text = text
		return m, true
	}
	if why, ok := notConvertedFuncs[n.Name]; ok {
		return t.fail(m, n.Range(), n.Name+"()", why)
	}
	return m, false
}
