package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// The help texts of `worker --help` and `worker local --help`: the
// commands, then every setting with its environment variable and its
// built-in default. Defaults come from the settings table, never from the
// environment, which may hold a password (TASK_STORE, TWILIO_BASE_URL).

// commands are the subcommands, one line each, as --help lists them.
var commands = [][2]string{
	{"worker [flags]", "serve: pull tasks from the Pub/Sub subscription, publish one result per task"},
	{"worker local [flags] [FILE|-]", "run JSON Lines tasks from FILE or stdin on this machine (in-process Pub/Sub and Twilio simulator)"},
	{"worker entities [--json]", "list the entities and actions"},
	{"worker describe NAME [--json]", "explain one entity or action: columns, inputs, entityId, example tasks"},
	{"worker check-config [flags]", "check the settings as serving would, connecting to nothing: exit 0, or 2 listing every problem"},
	{"worker version, --version", "print the version set at build time"},
	{"worker help, --help, -h", "this text; worker COMMAND --help explains one command"},
}

// writeHelp prints `worker --help`.
func writeHelp(w io.Writer) error {
	fmt.Fprint(w, "The Twilio connector worker: runs connector tasks (LIST, GET, CREATE, UPDATE, DELETE, ACTION on\n"+
		"Twilio entities) from a Pub/Sub subscription and publishes one result per task.\n\nCommands:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c[0], c[1])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprint(w, "\nSettings of worker and worker local (a flag overrides its environment variable):\n")
	if err := writeSettings(w, false); err != nil {
		return err
	}
	_, err := fmt.Fprint(w, "\nPUBSUB_EMULATOR_HOST is honoured as the Pub/Sub client libraries do. An invalid or missing\n"+
		"setting exits with status 2, listing every such setting; SIGTERM finishes the tasks in flight.\n")
	return err
}

// writeLocalHelp prints `worker local --help`.
func writeLocalHelp(w io.Writer) error {
	fmt.Fprint(w, "Usage: worker local [flags] [FILE|-]\n\n"+
		"Reads tasks as JSON Lines (one task object per line) from FILE, or standard input when FILE is - or\n"+
		"missing, runs them through the worker's pipeline on an in-process Pub/Sub server and, unless --live\n"+
		"or --twilio-base-url is given, an in-process Twilio simulator, and prints one result per task line\n"+
		"on stdout, in input order. Each result's taskId is its line's number (line-3). Blank lines are\n"+
		"skipped and counted in one warning on stderr. Task outcomes are kept in memory for the run.\n\n"+
		"Flags of worker local:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range localFlags {
		fmt.Fprintf(tw, "  --%s\t%s\n", strings.TrimSpace(f.flag+" "+f.arg), f.usage)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprint(w, "\nSettings (a flag overrides its environment variable; none is required with the simulator):\n")
	return writeSettings(w, true)
}

// writeSettings prints the settings table: flag, environment variable and
// default on one line, the meaning indented below (by hand: tabwriter
// would not align columns across the meaning lines). local leaves out the
// settings worker local does not read.
func writeSettings(w io.Writer, local bool) error {
	var rows [][3]string
	var usages []string
	width := [2]int{len("FLAG"), len("ENVIRONMENT")}
	for _, s := range (&Config{}).settings() {
		if local && s.cloud {
			continue
		}
		r := [3]string{flagText(s.flag), s.env, defaultText(s, local)}
		width[0], width[1] = max(width[0], len(r[0])), max(width[1], len(r[1]))
		rows, usages = append(rows, r), append(usages, s.usage)
	}
	row := func(r [3]string) string {
		return fmt.Sprintf("  %-*s  %-*s  %s\n", width[0], r[0], width[1], r[1], r[2])
	}
	var b strings.Builder
	b.WriteString(row([3]string{"FLAG", "ENVIRONMENT", "DEFAULT"}))
	for i, r := range rows {
		b.WriteString(row(r) + "      " + usages[i] + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func flagText(flag string) string {
	if flag == "" {
		return "(none)"
	}
	return "--" + flag
}

func defaultText(s setting, local bool) string {
	switch {
	case s.def != "":
		return s.def
	case s.required && !local:
		return "(required)"
	}
	return "(none)"
}
