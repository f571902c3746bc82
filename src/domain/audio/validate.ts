import { rejection, type Rejection } from './rejection.js';

export interface ProbeFacts {
  audioStreams: number;
  /** What the container header claims, in seconds, if it says. */
  claimedDurationSec: number | null;
}

export interface DecodeFacts {
  /** Measured by decoding every sample. */
  decodedDurationSec: number;
  integratedLufs: number;
  truePeakDbtp: number;
}

export interface DurationLimits {
  minDurationSec: number;
  maxDurationSec: number;
}

// Below this, ebur128's gate lets nothing through: the programme is inaudible on any loudspeaker.
export const SILENCE_LUFS = -69.5;
// A file that decodes to less than this share of its claimed length lost its end.
const TRUNCATION_RATIO = 0.9;
// Headers are approximate (encoder delay, VBR estimates): ignore differences under this.
const TRUNCATION_SLACK_SEC = 1;

const fmt = (s: number) => (s < 10 ? s.toFixed(2) : s.toFixed(0));
// Vietnamese writes a decimal comma and a dot between thousands: "0,20 giây", "14.400 giây".
const VI_FIXED2 = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const VI_WHOLE = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });
const fmtVi = (s: number) => (s < 10 ? VI_FIXED2.format(s) : VI_WHOLE.format(s));

/** Rules that need only the probe: checked before spending time decoding. */
export function validateProbe(probe: ProbeFacts): Rejection | null {
  if (probe.audioStreams === 0) return rejection('NO_AUDIO_STREAM');
  return null;
}

/** Rules on the decoded audio, in the order a person would want to hear about them. */
export function validateDecoded(probe: ProbeFacts, decoded: DecodeFacts, limits: DurationLimits): Rejection | null {
  const d = decoded.decodedDurationSec;
  if (d <= 0) return rejection('EMPTY');
  const claimed = probe.claimedDurationSec;
  if (claimed !== null && d < claimed * TRUNCATION_RATIO && claimed - d > TRUNCATION_SLACK_SEC) {
    return rejection(
      'TRUNCATED',
      `Giải mã được ${fmtVi(d)} giây, tệp ghi ${fmtVi(claimed)} giây.`,
      `Decoded ${fmt(d)} s, header claims ${fmt(claimed)} s.`,
    );
  }
  if (d < limits.minDurationSec) {
    return rejection('TOO_SHORT', `Dài ${fmtVi(d)} giây, tối thiểu ${VI_WHOLE.format(limits.minDurationSec)} giây.`, `${fmt(d)} s, minimum ${limits.minDurationSec} s.`);
  }
  if (d > limits.maxDurationSec) {
    return rejection('TOO_LONG', `Dài ${fmtVi(d)} giây, tối đa ${VI_WHOLE.format(limits.maxDurationSec)} giây.`, `${fmt(d)} s, maximum ${limits.maxDurationSec} s.`);
  }
  if (!Number.isFinite(decoded.integratedLufs) || decoded.integratedLufs <= SILENCE_LUFS || !Number.isFinite(decoded.truePeakDbtp)) {
    return rejection('SILENT');
  }
  return null;
}
