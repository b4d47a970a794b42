#!/usr/bin/env node
// The `shoal` command (work in progress).
process.stderr.write('shoal: not implemented yet\n');
process.exitCode = 2;
