/**
 * Config problems in one format, each with the file, the line and the full path of what is wrong:
 *   ramgate.yaml:14: accounts[0].roles[1].name: InvalidParameter.RoleName: The parameter RoleName …
 * The schema check and the Alibaba rules applied afterwards report through here, all at once.
 */
import { isNode, LineCounter, parseDocument } from 'yaml';
import { ApiError, isApiError } from '../errors.js';

export type ConfigPath = ReadonlyArray<string | number>;

export interface ConfigProblem {
  path: ConfigPath;
  message: string;
  /** When known without the path (a syntax error). */
  line?: number | undefined;
}

/** The text a config came from, to name lines in problems. */
export interface ConfigSource {
  name: string;
  text: string;
}

/** `accounts[0].users[2].name` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : `${out === '' ? '' : '.'}${String(part)}`;
  return out === '' ? '(top level)' : out;
}

/** Line (1-based) of the value at `path`, or of its nearest ancestor that is in the text. */
export function lineLocator(text: string): (path: ConfigPath) => number | undefined {
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument> | undefined;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  } catch {
    doc = undefined;
  }
  return (path) => {
    for (let n = path.length; doc && n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

/** One InvalidParameter.Config error listing every problem, in file order. */
export function configProblemsError(source: ConfigSource | undefined, problems: ConfigProblem[]): ApiError {
  const name = source?.name ?? '(inline)';
  const lineOf = source ? lineLocator(source.text) : () => undefined;
  const located = problems.map((p) => ({ ...p, line: p.line ?? lineOf(p.path) }));
  located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const lines = located.map(
    (p) =>
      `  - ${p.line !== undefined ? `${name}:${p.line}: ` : ''}${p.path.length ? `${formatPath(p.path)}: ` : ''}${p.message}`,
  );
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new ApiError(
    'InvalidParameter.Config',
    `The config ${name} is not valid (${count}):\n${lines.join('\n')}`,
  );
}

/** A problem with one field of the element a step works on (the step adds the field to its path). */
export class FieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The config field an Alibaba parameter error is about, by its code. */
const FIELD_OF_CODE: Record<string, string> = {
  'InvalidParameter.RoleName': 'name',
  'InvalidParameter.UserName': 'name',
  'InvalidParameter.GroupName': 'name',
  'InvalidParameter.PolicyName': 'name',
  'InvalidParameter.SAMLProviderName': 'name',
  'InvalidParameter.AccountAlias': 'alias',
  'InvalidParameter.DomainAlias': 'domainAlias',
  'InvalidParameter.AuxiliaryDomain': 'auxiliaryDomain',
  'InvalidParameter.Description': 'description',
  'InvalidParameter.Comments': 'comments',
  'InvalidParameter.DisplayName': 'displayName',
  'InvalidParameter.Email': 'email',
  'InvalidParameter.MobilePhone': 'mobilePhone',
  'InvalidParameter.MaxSessionDuration': 'maxSessionDuration',
  'InvalidParameter.PolicyGrammar': 'document',
  'InvalidParameter.PolicySize': 'document',
  'InvalidParameter.AuthnSignAlgo': 'authnSignAlgo',
  'InvalidParameter.MappingRules': 'mapping',
  'InvalidParameter.EncodedSAMLMetadataDocument': 'metadataFile',
  'InvalidParameter.MetadataDocument': 'metadataFile',
};

/** The value at `path` in a parsed document (undefined when the path leaves it). */
export function valueAt(root: unknown, path: ConfigPath): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

/**
 * What a failed step at `path` (an element of `config`) reports: the path down to the field when the
 * error names one the element has, and the Alibaba code with its message.
 */
export function stepProblem(config: unknown, path: ConfigPath, error: unknown): ConfigProblem {
  if (error instanceof FieldProblem) return { path: [...path, error.field], message: error.message };
  const message = isApiError(error) ? `${error.code}: ${error.message}` : (error as Error).message;
  const field = isApiError(error) ? FIELD_OF_CODE[error.code] : undefined;
  const element = valueAt(config, path);
  const hasField =
    field !== undefined && element !== null && typeof element === 'object' && field in (element as object);
  return { path: hasField ? [...path, field] : path, message };
}

/** Whether `path` lies inside (or is) one of `failed`: a part of something that could not be made. */
export function insideFailed(failed: ConfigPath[], path: ConfigPath): boolean {
  return failed.some((f) => f.length <= path.length && f.every((part, i) => path[i] === part));
}

/** A file that cannot be read, in plain words (not a bare ENOENT). */
export function explainFileError(error: unknown, absolutePath: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `no such file: ${absolutePath}`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied reading ${absolutePath}`;
  if (code === 'EISDIR') return `${absolutePath} is a directory, not a file`;
  return `cannot read ${absolutePath}: ${(error as Error).message}`;
}
