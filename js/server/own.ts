/** Sets an own, enumerable property, so a key such as `__proto__` stays plain data. */
export function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
