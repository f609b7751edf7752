/**
 * ioredis 6 declares `class VerbatimString extends String`. Making String.prototype the parent of a
 * class prototype puts it into V8's dictionary mode, and V8 only turns a prototype back into a fast
 * one when a property is looked up through an *object* whose chain contains it; strings are
 * primitives, so String.prototype stayed slow for the life of the process. Every `s.indexOf`,
 * `s.slice`, `s.charCodeAt` in optimized code then went through the generic LoadIC stub: measured
 * 7–10 % of the gateway's CPU per AssumeRoleWithSAML request (mostly in the XML parser), from merely
 * importing the Redis client, even with the memory store.
 *
 * A few property reads through an object that inherits from String.prototype, from a function
 * called often enough to have inline caches, let V8 make it fast again.
 */
export function restoreFastStringPrototype(): void {
  const inheritor = Object.create(String.prototype) as { indexOf?: unknown };
  for (let i = 0; i < 64; i++) readIndexOf(inheritor);
}

function readIndexOf(target: { indexOf?: unknown }): unknown {
  return target.indexOf;
}
