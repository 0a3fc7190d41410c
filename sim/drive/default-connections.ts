/** Most HTTP connections drive mode and replay keep open at once unless told otherwise: an open model needs rate × latency of them. */
export const DEFAULT_DRIVE_CONNECTIONS = 512;
