# bash completion for eragen(1)
#
# Installed as PREFIX/share/bash-completion/completions/eragen (loaded on demand by the
# bash-completion package) or sourced directly: . completion/eragen.bash
# Self-contained: it needs nothing from bash-completion. Completes the commands, their
# flags, flag values (formats, colours, rule IDs from 'eragen explain --list', git
# revisions, directories) and environment names: the directories of environments/ in
# the repository (-C DIR, else found from the current directory upwards), abstract
# parents (_name) only where they are accepted (init --from).

# _eragen_root DIR: the nearest directory at or above DIR that holds environments/.
_eragen_root()
{
	local d=$1
	[[ $d == /* ]] || d=$PWD/$d
	while [[ -n $d ]]; do
		if [[ -d $d/environments ]]; then
			printf '%s\n' "$d"
			return 0
		fi
		[[ $d == / ]] && return 1
		d=${d%/*}
		[[ -z $d ]] && d=/
	done
	return 1
}

# _eragen_envs DIR [abstract]: environment names, one per line.
_eragen_envs()
{
	local root e
	root=$(_eragen_root "$1") || return 0
	for e in "$root"/environments/*/; do
		[[ -d $e ]] || continue
		e=${e%/}
		e=${e##*/}
		if [[ $e == _* && $2 != abstract ]]; then
			continue
		fi
		printf '%s\n' "$e"
	done
}

_eragen()
{
	local cur prev cmd dir i w
	local words=("${COMP_WORDS[@]}")
	cur=${words[COMP_CWORD]}
	prev=
	((COMP_CWORD > 0)) && prev=${words[COMP_CWORD - 1]}
	COMPREPLY=()

	local commands="build lint check diff show changed explain init hook schema import adopt"
	local common="-C --format --color --werror --only --skip --quiet --help"

	# the command: the first word that is not an option (skipping -C DIR), and -C's value
	cmd=
	dir=.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${words[i]}
		case $w in
		-C)
			((i + 1 < COMP_CWORD)) && dir=${words[i + 1]}
			((i++))
			;;
		--format | --color | --only | --skip | --base | --since | --from)
			# the value, after a separate "=" when written --flag=value
			[[ ${words[i + 1]} == = ]] && ((i++))
			((i++))
			;;
		-*) ;;
		*)
			if [[ -z $cmd ]]; then
				cmd=$w
			fi
			;;
		esac
	done
	# with bash's default COMP_WORDBREAKS, "--format=json" arrives as "--format" "=" "json"
	if [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
		prev=${words[COMP_CWORD - 2]}
	fi
	[[ $cur == = ]] && cur=

	case $prev in
	-C)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return 0
		;;
	--format)
		mapfile -t COMPREPLY < <(compgen -W "text json sarif github" -- "$cur")
		return 0
		;;
	--color)
		mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur")
		return 0
		;;
	--only | --skip)
		# a comma-separated list: complete its last element
		local head='' last=$cur
		if [[ $cur == *,* ]]; then
			head=${cur%,*},
			last=${cur##*,}
		fi
		local ids
		ids=$("${words[0]}" explain --list 2>/dev/null | awk '{print $1}')
		mapfile -t COMPREPLY < <(compgen -P "$head" -W "$ids" -- "$last")
		return 0
		;;
	--base | --since)
		local refs
		refs=$(git -C "$dir" for-each-ref --format='%(refname:short)' 2>/dev/null)
		mapfile -t COMPREPLY < <(compgen -W "HEAD HEAD~1 $refs" -- "$cur")
		return 0
		;;
	--from)
		mapfile -t COMPREPLY < <(compgen -W "$(_eragen_envs "$dir" abstract)" -- "$cur")
		return 0
		;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "-C --version --help" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
		fi
		return 0
	fi

	local flags='' words_ok=envs
	case $cmd in
	build) flags="--all --stage --prune --force --dry-run --verbose --fsync $common" ;;
	lint) flags="--all --staged --base $common" ;;
	check) flags="--all --staged --diff --stat $common" ;;
	diff) flags="--json $common" ;;
	show) flags="--json --origin --placement --view $common" ;;
	changed)
		flags="--since --staged --json $common"
		words_ok=none
		;;
	explain)
		flags="--list --markdown --help"
		words_ok=rules
		;;
	init)
		flags="--from $common"
		words_ok=none
		;;
	schema)
		flags="--layer $common"
		words_ok=none
		;;
	import)
		flags="--tfvars --backend --tier --stdout $common"
		words_ok=none
		;;
	adopt)
		flags="--state --dry-run $common"
		words_ok=none
		;;
	hook)
		flags="--force --help"
		words_ok=hook
		;;
	*) return 0 ;;
	esac

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur")
		return 0
	fi
	case $words_ok in
	envs)
		mapfile -t COMPREPLY < <(compgen -W "$(_eragen_envs "$dir")" -- "$cur")
		;;
	rules)
		mapfile -t COMPREPLY < <(compgen -W "$("${words[0]}" explain --list 2>/dev/null |
			awk '{print $1}')" -- "$cur")
		;;
	hook)
		local sub=''
		for ((i = 1; i < COMP_CWORD; i++)); do
			case ${words[i]} in install | uninstall) sub=${words[i]} ;; esac
		done
		[[ -z $sub ]] && mapfile -t COMPREPLY < <(compgen -W "install uninstall" -- "$cur")
		;;
	esac
	return 0
}

complete -F _eragen eragen
