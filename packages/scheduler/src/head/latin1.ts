// Bytes to a string of one char per byte (ISO-8859-1): how Node decodes request lines and header values.

export function latin1(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  // In slices: apply() with a huge array would overflow the stack.
  for (let at = start; at < end; at += 4096) {
    text += String.fromCharCode.apply(
      null,
      bytes.subarray(at, Math.min(end, at + 4096)) as unknown as number[],
    );
  }
  return text;
}
