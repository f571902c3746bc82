import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

export interface MultipartUpload {
  url: string;
  token: string;
  fields: Record<string, string>;
  file: { field: string; path: string; filename: string; contentType: string };
}

export interface UploadResponse {
  status: number;
  body: string;
  /** Bytes of the request body actually written (head + file + tail). */
  sentBytes: number;
}

/**
 * POSTs a multipart/form-data body built as a stream: the text parts and the file part's header, then the file piped
 * from disk, then the closing boundary. Content-Length is computed up front, so nothing is chunked or buffered.
 */
export function postMultipart(u: MultipartUpload): Promise<UploadResponse> {
  const boundary = `----loaxa-bench-${crypto.randomBytes(12).toString('hex')}`;
  let head = '';
  for (const [name, value] of Object.entries(u.fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="${u.file.field}"; filename="${u.file.filename}"\r\n` +
    `Content-Type: ${u.file.contentType}\r\n\r\n`;
  const headBuf = Buffer.from(head, 'utf8');
  const tailBuf = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const fileSize = fs.statSync(u.file.path).size;
  const contentLength = headBuf.length + fileSize + tailBuf.length;

  return new Promise<UploadResponse>((resolve, reject) => {
    const target = new URL(u.url);
    let sentBytes = 0;
    let settled = false;
    const finish = (err: Error | null, res?: UploadResponse) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(res!);
    };
    const req = http.request({
      method: 'POST',
      hostname: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      agent: false,
      headers: {
        Authorization: `Bearer ${u.token}`,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(contentLength),
      },
    });
    const file = fs.createReadStream(u.file.path, { highWaterMark: 256 * 1024 });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        // An early answer (413, 415…) ends the exchange: stop reading the file.
        file.destroy();
        finish(null, { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), sentBytes });
      });
      res.on('error', (err) => finish(err));
    });
    req.on('error', (err) => finish(err));
    file.on('data', (c: Buffer | string) => {
      sentBytes += c.length;
    });
    file.on('error', (err) => {
      req.destroy(err);
      finish(err);
    });
    file.on('end', () => {
      sentBytes += tailBuf.length;
      req.end(tailBuf);
    });
    req.write(headBuf);
    sentBytes += headBuf.length;
    file.pipe(req, { end: false });
  });
}
