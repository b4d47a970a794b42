/// <reference types="node" preserve="true" />
// Public API of @shoal/supervisor: keeping a cluster's workers up.
export {};
