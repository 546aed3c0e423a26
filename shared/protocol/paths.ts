// URL paths of the central endpoint's API v1, shared by the server, the desk's sync engine and tests.

export const API_PREFIX = '/api/v1';

/** Every path the central endpoint serves. Parameterised paths are functions. */
export const paths = {
  health: '/health',
  /** Same answer under the API prefix, for clients that only know the API base URL. */
  apiHealth: `${API_PREFIX}/health`,
  /** Readiness for a load balancer: touches the database within a small budget (503 when not). */
  ready: '/ready',

  // Device side (Authorization: Bearer <device token>), except enroll.
  enroll: `${API_PREFIX}/enroll`,
  device: `${API_PREFIX}/device`,
  push: `${API_PREFIX}/push`,
  /** The desk's access log (PIPL Art. 51), uploaded in batches. */
  audit: `${API_PREFIX}/audit`,
  pull: `${API_PREFIX}/pull`,
  application: (id: string) => `${API_PREFIX}/applications/${encodeURIComponent(id)}`,
  attachment: (sha256: string) => `${API_PREFIX}/attachments/${sha256}`,
  attachmentContent: (sha256: string) => `${API_PREFIX}/attachments/${sha256}/content`,

  // Administrator / back office (Authorization: Bearer <admin token>).
  adminHalls: `${API_PREFIX}/admin/halls`,
  adminEnrollmentCodes: (hallCode: string) =>
    `${API_PREFIX}/admin/halls/${encodeURIComponent(hallCode)}/enrollment-codes`,
  adminDevices: `${API_PREFIX}/admin/devices`,
  adminRevokeDevice: (deviceId: string) =>
    `${API_PREFIX}/admin/devices/${encodeURIComponent(deviceId)}/revoke`,
  adminApplications: `${API_PREFIX}/admin/applications`,
  adminApplication: (id: string) => `${API_PREFIX}/admin/applications/${encodeURIComponent(id)}`,
  adminTransition: (id: string) =>
    `${API_PREFIX}/admin/applications/${encodeURIComponent(id)}/transition`,
  adminConfig: `${API_PREFIX}/admin/config`,
  adminConfigKey: (key: string) => `${API_PREFIX}/admin/config/${encodeURIComponent(key)}`,
  adminCalendarYear: (year: number) => `${API_PREFIX}/admin/config/calendar/years/${year}`,
  adminRejected: `${API_PREFIX}/admin/rejected`,
  /** `?hall=&entityId=&limit=`: the access log, newest first. */
  adminAudit: `${API_PREFIX}/admin/audit`,
  adminEnrollmentCodeList: `${API_PREFIX}/admin/enrollment-codes`,

  /** Central console (HTML). */
  console: '/console',
} as const;

/** Header carrying the device token or the admin token: `Authorization: Bearer <token>`. */
export const AUTH_HEADER = 'authorization';
