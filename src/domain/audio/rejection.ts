/**
 * Why an upload is refused. Each rule has its own code, a message an official understands (Vietnamese first,
 * English second), and is final: a rejected episode is not retried.
 */
export const REJECTION_RULES = {
  EMPTY: { vi: 'Tệp rỗng: không có dữ liệu âm thanh.', en: 'The file is empty.' },
  NOT_AUDIO: {
    vi: 'Tệp không phải là âm thanh (định dạng không được hỗ trợ).',
    en: 'The file is not audio (unknown or unsupported container).',
  },
  NO_AUDIO_STREAM: { vi: 'Tệp không chứa luồng âm thanh.', en: 'The file has no audio stream.' },
  UNDECODABLE: { vi: 'Không giải mã được âm thanh: tệp bị hỏng.', en: 'The audio cannot be decoded: the file is corrupt.' },
  TRUNCATED: {
    vi: 'Tệp bị cắt cụt: độ dài giải mã được ngắn hơn nhiều so với độ dài ghi trong tệp.',
    en: 'The file is truncated: it decodes to much less than its header claims.',
  },
  TOO_SHORT: { vi: 'Âm thanh quá ngắn.', en: 'The audio is too short.' },
  TOO_LONG: { vi: 'Âm thanh quá dài.', en: 'The audio is too long.' },
  SILENT: { vi: 'Không nghe thấy gì: tệp chỉ có im lặng.', en: 'Nothing audible: the file is silence.' },
} as const;

export type RejectionCode = keyof typeof REJECTION_RULES;

export interface Rejection {
  code: RejectionCode;
  message: string;
  messageEn: string;
}

export function rejection(code: RejectionCode, detailVi = '', detailEn = ''): Rejection {
  const rule = REJECTION_RULES[code];
  return {
    code,
    message: detailVi ? `${rule.vi} ${detailVi}` : rule.vi,
    messageEn: detailEn ? `${rule.en} ${detailEn}` : rule.en,
  };
}

/** Thrown by the pipeline for input that will never succeed; the job layer does not retry it. */
export class RejectedInput extends Error {
  override name = 'RejectedInput';
  constructor(readonly rejection: Rejection) {
    super(`${rejection.code}: ${rejection.messageEn}`);
  }
}
