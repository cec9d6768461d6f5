// The API's version: served in Consul meta/tags and in the OpenAPI document.
export const API_VERSION = '0.1.0';
