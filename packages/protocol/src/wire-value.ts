// The deep check behind `WireValue`: plain data that both IPC serializations carry unchanged.

const MAX_DEPTH = 64;

function isPlainRecord(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Whether `value` is null, a boolean, a string, a finite number, or a dense array / plain object of
 * such values (nested at most 64 deep). NaN and ±Infinity are refused: JSON would turn them into null.
 */
export function isWireValue(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isWireValue(value[i], depth + 1)) return false;
        }
        return true;
      }
      if (!isPlainRecord(value)) return false;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        if (!isWireValue((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
