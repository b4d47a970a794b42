/// <reference types="node" preserve="true" />
// Public API of @shoal/cli: the `shoal` command is its bin; nothing is exported for programs yet.
export {};
