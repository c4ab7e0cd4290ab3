/**
 * The CA lives in a Secret in discovery's namespace so every replica serves certificates from one
 * CA and the caBundle is the same whoever patches it: the first replica creates it, a race loser
 * (409 on create) reads the winner's, and an unusable one (expiring, unparseable) is replaced.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeRequestError, kubeRequest } from '../kube/apply.ts';
import type { Logger } from '../log.ts';
import { createCa, isUsableCa, type PemPair } from './pki.ts';

export const CA_CERT_KEY = 'ca.crt';
export const CA_KEY_KEY = 'ca.key';

interface SecretBody {
  readonly metadata?: { readonly resourceVersion?: string };
  readonly data?: Readonly<Record<string, string>>;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: string | undefined): string => Buffer.from(text ?? '', 'base64').toString('utf8');

function secretObject(namespace: string, name: string, ca: PemPair, resourceVersion?: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/name': 'weft', 'app.kubernetes.io/component': 'webhook-ca' }, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    type: 'Opaque',
    data: { [CA_CERT_KEY]: b64(ca.certPem), [CA_KEY_KEY]: b64(ca.keyPem) },
  };
}

async function readSecret(kc: KubeConfig, path: string): Promise<SecretBody | undefined> {
  try {
    return (await kubeRequest(kc, 'GET', path)) as SecretBody;
  } catch (err) {
    if (err instanceof KubeRequestError && err.code === 404) return undefined;
    throw err;
  }
}

/** Returns the shared CA, creating or replacing the Secret when needed. Retries only on 409. */
export async function ensureCaSecret(kc: KubeConfig, namespace: string, name: string, log: Logger, now: () => Date = () => new Date()): Promise<PemPair> {
  const collection = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`;
  const path = `${collection}/${encodeURIComponent(name)}`;
  for (let attempt = 0; ; attempt++) {
    const existing = await readSecret(kc, path);
    const stored = { certPem: unb64(existing?.data?.[CA_CERT_KEY]), keyPem: unb64(existing?.data?.[CA_KEY_KEY]) };
    if (existing !== undefined && isUsableCa(stored, now())) {
      log.info({ secret: name, namespace }, 'webhook CA reused');
      return stored;
    }
    const ca = createCa(now());
    try {
      if (existing === undefined) await kubeRequest(kc, 'POST', collection, secretObject(namespace, name, ca));
      else await kubeRequest(kc, 'PUT', path, secretObject(namespace, name, ca, existing.metadata?.resourceVersion));
      log.info({ secret: name, namespace, replaced: existing !== undefined }, 'webhook CA created');
      return ca;
    } catch (err) {
      // Another replica wrote first: take theirs on the next read.
      if (!(err instanceof KubeRequestError) || err.code !== 409 || attempt >= 4) throw err;
    }
  }
}
