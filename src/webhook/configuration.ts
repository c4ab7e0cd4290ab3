/**
 * The ValidatingWebhookConfiguration Weft's webhook is registered with, pure. One webhook,
 * `validation.istio.io`, for CREATE and UPDATE of every networking.istio.io resource, as Istio
 * registers it (kinds Weft does not know, such as EnvoyFilter from Istio's own CRDs, are allowed),
 * failurePolicy Ignore (ADR 0050): when discovery is down, apply goes through and status reports.
 * caBundle is never set here: the discovery process that holds the CA patches it in.
 */
import type { ManifestObject } from '../kube/manifests.ts';
import { ISTIO_NETWORKING_GROUP } from '../model/kinds.ts';
import { VALIDATE_PATH } from './server.ts';

export const WEBHOOK_NAME = 'validation.istio.io';
/** Short: with Ignore, an unreachable webhook delays each apply by at most this. */
export const WEBHOOK_TIMEOUT_SECONDS = 5;

export type ClientConfig =
  | { readonly url: string }
  | { readonly service: { readonly name: string; readonly namespace: string; readonly port: number; readonly path: string } };

export function validatingWebhook(clientConfig: ClientConfig): Record<string, unknown> {
  return {
    name: WEBHOOK_NAME,
    clientConfig,
    rules: [
      {
        operations: ['CREATE', 'UPDATE'],
        apiGroups: [ISTIO_NETWORKING_GROUP],
        apiVersions: ['*'],
        resources: ['*'],
        scope: '*',
      },
    ],
    failurePolicy: 'Ignore',
    matchPolicy: 'Equivalent',
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    timeoutSeconds: WEBHOOK_TIMEOUT_SECONDS,
  };
}

/** A configuration that reaches discovery through a Service (as the operator renders it). */
export const serviceClientConfig = (service: string, namespace: string, port = 443): ClientConfig => ({ service: { name: service, namespace, port, path: VALIDATE_PATH } });

/** A configuration that reaches a discovery running on the API server's host (`weft up`, tests). */
export const urlClientConfig = (host: string, port: number): ClientConfig => ({ url: `https://${host}:${String(port)}${VALIDATE_PATH}` });

export function webhookConfiguration(name: string, clientConfig: ClientConfig, labels: Readonly<Record<string, string>> = {}): ManifestObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name, ...(Object.keys(labels).length === 0 ? {} : { labels: { ...labels } }) },
    webhooks: [validatingWebhook(clientConfig)],
  };
}
