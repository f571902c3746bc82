import { characterCount } from '../../src/domain/bulletins/text.js';

/** Sentences of the kind a commune reads out in the flood season: figures, dates, times, units, abbreviations. */
export const BULLETIN_SENTENCES = [
  'UBND xã Bản Hồ thông báo khẩn về tình hình mưa lũ trên địa bàn.',
  'Theo Đài Khí tượng Thủy văn tỉnh, từ 17h30 ngày 12/12/2026 đến hết ngày 14/12/2026, khu vực xã có mưa to đến rất to, lượng mưa phổ biến 100-150 mm, có nơi trên 250 mm.',
  'Mực nước sông Chảy tại trạm Bảo Yên lúc 7 giờ sáng nay là 85,6 m, lưu lượng về hồ đạt 1.250 m³/s.',
  'Nhiệt độ thấp nhất 12 °C, gió giật cấp 6, có nơi cấp 7.',
  'Nguy cơ cao xảy ra lũ quét, sạt lở đất tại các thôn Tả Phìn, Séo Mý Tỷ và Lếch Mông.',
  'Đề nghị bà con không đi qua ngầm, tràn, suối khi nước chảy xiết; không vớt củi, đánh bắt cá trên sông suối.',
  'Các hộ gia đình ở ven suối, chân đồi có nguy cơ sạt lở chủ động di chuyển người và tài sản đến nơi an toàn trước 18h00 hôm nay.',
  'Khi cần hỗ trợ, liên hệ Ban Chỉ huy phòng chống thiên tai xã qua số điện thoại 0214 3868 115 hoặc trưởng thôn.',
  'HĐND và UBND xã đề nghị các đoàn thể, lực lượng dân quân trực 24/24 giờ, sẵn sàng ứng cứu khi có tình huống xảy ra.',
  'Trung tâm VHTT,TT&DL huyện sẽ tiếp tục cập nhật thông tin trên hệ thống truyền thanh xã.',
] as const;

/** Plain Vietnamese text of exactly `n` characters (as the API counts them), ending at a full stop. */
export function bulletinOfLength(n: number): string {
  let text = '';
  for (let i = 0; characterCount(text) < n; i++) text += (text ? ' ' : '') + BULLETIN_SENTENCES[i % BULLETIN_SENTENCES.length];
  const chars = [...text].slice(0, n - 1);
  // The last character is the full stop: whatever space or punctuation the cut left before it becomes a letter.
  for (let i = chars.length - 1; i >= 0 && /[\s,;:.]/.test(chars[i]!); i--) chars[i] = 'a';
  return chars.join('') + '.';
}
