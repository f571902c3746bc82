import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.js';

const load = (o: Record<string, string> = {}) => loadConfig({}, o);

describe('TRUST_PROXY', () => {
  it('trusts nothing by default', () => {
    expect(load().http.trustProxy).toBe(false);
    expect(load({ TRUST_PROXY: 'false' }).http.trustProxy).toBe(false);
  });

  it('takes named ranges, addresses, CIDR ranges or a hop count', () => {
    expect(load({ TRUST_PROXY: 'loopback' }).http.trustProxy).toEqual(['loopback']);
    expect(load({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8 ,192.168.1.10' }).http.trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.168.1.10']);
    expect(load({ TRUST_PROXY: '1' }).http.trustProxy).toBe(1);
  });

  it('refuses anything else, naming the setting', () => {
    for (const bad of ['true', 'yes', '0', '11', 'loopbak', '10.0.0.0/33', '::1/129', '10.0.0.1/8/9', 'example.vn', '*']) {
      expect(() => load({ TRUST_PROXY: bad }), bad).toThrow(ConfigError);
      expect(() => load({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
  });
});

describe('S3_PUBLIC_ENDPOINT', () => {
  it('defaults to the endpoint, and means nothing with the embedded storage', () => {
    expect(load({ S3_ENDPOINT: 'http://minio:9000' }).s3.publicEndpoint).toBe('http://minio:9000');
    expect(load({ S3_ENDPOINT: 'http://minio:9000', S3_PUBLIC_ENDPOINT: 'http://localhost:9000/' }).s3.publicEndpoint).toBe('http://localhost:9000');
    expect(load({ S3_PUBLIC_ENDPOINT: 'http://localhost:9000' }).s3.publicEndpoint).toBeUndefined();
  });

  it('must be an http(s) URL', () => {
    expect(() => load({ S3_ENDPOINT: 'http://minio:9000', S3_PUBLIC_ENDPOINT: 'javascript:alert(1)' })).toThrow(/S3_PUBLIC_ENDPOINT/);
  });
});
