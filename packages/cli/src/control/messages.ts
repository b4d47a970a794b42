// The control socket's JSON lines: a client sends one request, the server answers it on the same connection.
export type ControlCommand = 'status' | 'reload' | 'scale' | 'stop';

export interface ControlRequest {
  id: number;
  command: ControlCommand;
  /** For `scale`: the number of workers wanted. */
  workers?: number;
}

export type ControlResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { message: string; code?: string } };

export const controlCommands: readonly ControlCommand[] = ['status', 'reload', 'scale', 'stop'];
