import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ABBREVIATIONS,
  normaliseForSpeech,
  readDecimal,
  readDigits,
  readInteger,
  readNumberToken,
} from '../../src/domain/speech/index.js';

type Case = readonly [input: string, spoken: string];

function table(name: string, cases: readonly Case[]) {
  describe(name, () => {
    for (const [input, spoken] of cases) it(`${JSON.stringify(input)} → ${spoken}`, () => expect(normaliseForSpeech(input)).toBe(spoken));
  });
}

describe('readInteger', () => {
  const cases: readonly [string, string][] = [
    ['0', 'không'],
    ['1', 'một'],
    ['4', 'bốn'],
    ['5', 'năm'],
    ['10', 'mười'],
    ['11', 'mười một'],
    ['14', 'mười bốn'],
    ['15', 'mười lăm'],
    ['20', 'hai mươi'],
    ['21', 'hai mươi mốt'],
    ['24', 'hai mươi tư'],
    ['25', 'hai mươi lăm'],
    ['55', 'năm mươi lăm'],
    ['99', 'chín mươi chín'],
    ['100', 'một trăm'],
    ['101', 'một trăm linh một'],
    ['104', 'một trăm linh bốn'],
    ['105', 'một trăm linh năm'],
    ['110', 'một trăm mười'],
    ['115', 'một trăm mười lăm'],
    ['121', 'một trăm hai mươi mốt'],
    ['999', 'chín trăm chín mươi chín'],
    ['1000', 'một nghìn'],
    ['1005', 'một nghìn không trăm linh năm'],
    ['1010', 'một nghìn không trăm mười'],
    ['1100', 'một nghìn một trăm'],
    ['2025', 'hai nghìn không trăm hai mươi lăm'],
    ['2026', 'hai nghìn không trăm hai mươi sáu'],
    ['2500', 'hai nghìn năm trăm'],
    ['10000', 'mười nghìn'],
    ['21000', 'hai mươi mốt nghìn'],
    ['100000', 'một trăm nghìn'],
    ['1000000', 'một triệu'],
    ['1000500', 'một triệu năm trăm'],
    ['1050000', 'một triệu không trăm năm mươi nghìn'],
    ['4750000000', 'bốn tỷ bảy trăm năm mươi triệu'],
    ['1000000050', 'một tỷ không trăm năm mươi'],
    ['2500000000000', 'hai nghìn năm trăm tỷ'],
    ['2000500000000', 'hai nghìn tỷ năm trăm triệu'],
    ['0007', 'bảy'],
  ];
  for (const [digits, spoken] of cases) it(`${digits} → ${spoken}`, () => expect(readInteger(digits)).toBe(spoken));
  it('reads a figure too long to be a quantity digit by digit', () => {
    expect(readInteger('1234567890123456789')).toBe(readDigits('1234567890123456789'));
  });
});

describe('readDecimal and readNumberToken', () => {
  const cases: readonly [string, string][] = [
    ['0,5', 'không phẩy năm'],
    ['12,75', 'mười hai phẩy bảy mươi lăm'],
    ['3,05', 'ba phẩy không năm'],
    ['6,0', 'sáu phẩy không'],
    ['2,125', 'hai phẩy một trăm hai mươi lăm'],
    ['3,14159', 'ba phẩy một bốn một năm chín'],
    ['3.5', 'ba phẩy năm'],
    ['1.000.000', 'một triệu'],
    ['2.500', 'hai nghìn năm trăm'],
    ['12.500', 'mười hai nghìn năm trăm'],
    ['3.000,5', 'ba nghìn phẩy năm'],
    ['1,000,000', 'một triệu'],
    ['05', 'không năm'],
    ['007', 'không không bảy'],
    ['1.2.3', 'một chấm hai chấm ba'],
  ];
  for (const [token, spoken] of cases) it(`${token} → ${spoken}`, () => expect(readNumberToken(token)).toBe(spoken));
  it('readDecimal joins with "phẩy"', () => expect(readDecimal('83', '3')).toBe('tám mươi ba phẩy ba'));
});

table('numbers in text', [
  ['21', 'hai mươi mốt'],
  ['105', 'một trăm linh năm'],
  ['15', 'mười lăm'],
  ['1.000.000', 'một triệu'],
  ['2.500', 'hai nghìn năm trăm'],
  ['0,5', 'không phẩy năm'],
  ['12,75', 'mười hai phẩy bảy mươi lăm'],
  ['Cần 1 000 người', 'Cần một nghìn người'],
  ['Bão số 3 đổ bộ', 'Bão số ba đổ bộ'],
  ['mã 007', 'mã không không bảy'],
  ['COVID-19', 'COVID mười chín'],
  ['mạng 3G/4G', 'mạng ba G bốn G'],
  ['nam và/hoặc nữ', 'nam và hoặc nữ'],
  ['Phát lại 2/3', 'Phát lại hai trên ba'],
  ['Đã có 1.250/1.500 hộ', 'Đã có một nghìn hai trăm năm mươi trên một nghìn năm trăm hộ'],
  ['Tổng kinh phí 4.750.000.000 đồng.', 'Tổng kinh phí bốn tỷ bảy trăm năm mươi triệu đồng.'],
  ['Giá 5.000.000đ', 'Giá năm triệu đồng'],
  ['thu ngân sách 2,5 tỷ đồng', 'thu ngân sách hai phẩy năm tỷ đồng'],
  ['Lượng mưa ~200 mm', 'Lượng mưa khoảng hai trăm mi li mét'],
  ['mưa >100 mm, gió <10 m/s', 'mưa trên một trăm mi li mét, gió dưới mười mét trên giây'],
]);

table('negative numbers', [
  ['-5°C', 'âm năm độ xê'],
  ['nhiệt độ thấp nhất -2 đến 0°C', 'nhiệt độ thấp nhất âm hai đến không độ xê'],
  ['từ -3 đến -5 độ', 'từ âm ba đến âm năm độ'],
  ['mục tiêu −16 LUFS', 'mục tiêu âm mười sáu LUFS'],
  ['đỉnh thực ≤ −1,5 dBTP', 'đỉnh thực nhỏ hơn hoặc bằng âm một phẩy năm dBTP'],
  // a list item is not a minus
  ['Danh sách:\n-5 hộ nghèo', 'Danh sách:\n- năm hộ nghèo'],
]);

table('ordinals and months', [
  ['Thứ 2', 'Thứ hai'],
  ['thứ 4', 'thứ tư'],
  ['lần thứ 1', 'lần thứ nhất'],
  ['Kỳ họp thứ 10', 'Kỳ họp thứ mười'],
  ['giải 2', 'giải nhì'],
  ['hạng 1', 'hạng nhất'],
  ['giải 4', 'giải tư'],
  ['tháng 4', 'tháng tư'],
  ['tháng 12', 'tháng mười hai'],
  ['tháng 1', 'tháng một'],
]);

table('dates', [
  ['12/12/2026', 'ngày mười hai tháng mười hai năm hai nghìn không trăm hai mươi sáu'],
  ['1/7/2025', 'ngày một tháng bảy năm hai nghìn không trăm hai mươi lăm'],
  ['ngày 1/7/2025', 'ngày một tháng bảy năm hai nghìn không trăm hai mươi lăm'],
  ['Ngày 01/12/2026', 'Ngày một tháng mười hai năm hai nghìn không trăm hai mươi sáu'],
  ['30/4/2026', 'ngày ba mươi tháng tư năm hai nghìn không trăm hai mươi sáu'],
  ['12-12-2026', 'ngày mười hai tháng mười hai năm hai nghìn không trăm hai mươi sáu'],
  ['12.12.2026', 'ngày mười hai tháng mười hai năm hai nghìn không trăm hai mươi sáu'],
  ['12/2026', 'tháng mười hai năm hai nghìn không trăm hai mươi sáu'],
  ['tháng 12/2026', 'tháng mười hai năm hai nghìn không trăm hai mươi sáu'],
  ['Sau tháng 7/2025', 'Sau tháng bảy năm hai nghìn không trăm hai mươi lăm'],
  ['ngày 5/9', 'ngày năm tháng chín'],
  ['mùng 2/9', 'mùng hai tháng chín'],
  ['sáng 5/12', 'sáng năm tháng mười hai'],
  ['Chiều 30/4,', 'Chiều ba mươi tháng tư,'],
  ['đêm 12/12/2026', 'đêm mười hai tháng mười hai năm hai nghìn không trăm hai mươi sáu'],
  ['từ ngày 5/9 đến 7/9', 'từ ngày năm tháng chín đến ngày bảy tháng chín'],
  ['từ 5/9 đến 7/9', 'từ ngày năm tháng chín đến ngày bảy tháng chín'],
  ['ngày 5/9 - 7/9', 'ngày năm tháng chín đến ngày bảy tháng chín'],
  ['ngày 10-12/12/2026', 'ngày mười đến mười hai tháng mười hai năm hai nghìn không trăm hai mươi sáu'],
  [
    'từ 1/7/2025 - 5/7/2025',
    'từ ngày một tháng bảy năm hai nghìn không trăm hai mươi lăm đến ngày năm tháng bảy năm hai nghìn không trăm hai mươi lăm',
  ],
  ['quý 4/2026', 'quý bốn năm hai nghìn không trăm hai mươi sáu'],
  // not dates: an impossible day or month, and a bare d/m without a day word
  ['32/13/2026', 'ba mươi hai trên mười ba trên hai nghìn không trăm hai mươi sáu'],
  ['tỷ lệ 24/7', 'tỷ lệ hai mươi tư trên bảy'],
]);

table('times', [
  ['17h30', 'mười bảy giờ ba mươi phút'],
  ['17:30', 'mười bảy giờ ba mươi phút'],
  ['7h', 'bảy giờ'],
  ['17 giờ 30', 'mười bảy giờ ba mươi'],
  ['17 giờ 30 phút', 'mười bảy giờ ba mươi phút'],
  ['Hồi 13h00', 'Hồi mười ba giờ'],
  ['lúc 06:00', 'lúc sáu giờ'],
  ['17h05', 'mười bảy giờ năm phút'],
  ['10h15\'', 'mười giờ mười lăm phút'],
  ['08:15:30', 'tám giờ mười lăm phút ba mươi giây'],
  ['trong 24h qua', 'trong hai mươi tư giờ qua'],
  ['từ 7h-9h', 'từ bảy giờ đến chín giờ'],
  ['Khung giờ 06:00–06:30', 'Khung giờ sáu giờ đến sáu giờ ba mươi phút'],
  ['không phát từ 22:00 đến 05:00', 'không phát từ hai mươi hai giờ đến năm giờ'],
  ['lúc 01/12/2026 14:30', 'lúc mười bốn giờ ba mươi phút ngày một tháng mười hai năm hai nghìn không trăm hai mươi sáu'],
  ['ngày 01/12/2026 14:30', 'ngày một tháng mười hai năm hai nghìn không trăm hai mươi sáu lúc mười bốn giờ ba mươi phút'],
  ['tỷ lệ 1:50.000', 'tỷ lệ một trên năm mươi nghìn'],
]);

table('phone numbers', [
  ['0912 345 678', 'không chín một hai, ba bốn năm, sáu bảy tám'],
  ['0912.345.678', 'không chín một hai, ba bốn năm, sáu bảy tám'],
  ['0912-345-678', 'không chín một hai, ba bốn năm, sáu bảy tám'],
  ['0912345678', 'không chín một hai, ba bốn năm, sáu bảy tám'],
  ['+84 912 345 678', 'cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám'],
  ['024 3825 1234', 'không hai bốn, ba tám hai năm, một hai ba bốn'],
  ['024.3825.1234', 'không hai bốn, ba tám hai năm, một hai ba bốn'],
  ['1900 1234', 'một chín không không, một hai ba bốn'],
  ['1900.1234', 'một chín không không, một hai ba bốn'],
  ['1800 1091', 'một tám không không, một không chín một'],
  ['Gọi 113/114/115', 'Gọi một một ba, một một bốn, một một năm'],
  ['gọi 115', 'gọi một một năm'],
  ['đường dây nóng 113', 'đường dây nóng một một ba'],
  ['0912345678 và 100 hộ', 'không chín một hai, ba bốn năm, sáu bảy tám và một trăm hộ'],
  ['0912 345 678 100 hộ', 'không chín một hai, ba bốn năm, sáu bảy tám một trăm hộ'],
  // a quantity, not a number to dial
  ['Có 113 hộ dân', 'Có một trăm mười ba hộ dân'],
  ['năm 1900', 'năm một nghìn chín trăm'],
]);

table('percentages', [
  ['45%', 'bốn mươi lăm phần trăm'],
  ['12,5%', 'mười hai phẩy năm phần trăm'],
  ['45 %', 'bốn mươi lăm phần trăm'],
  ['5-7%', 'năm đến bảy phần trăm'],
  ['(đạt 83,3%)', '(đạt tám mươi ba phẩy ba phần trăm)'],
  ['100%', 'một trăm phần trăm'],
  ['2‰', 'hai phần nghìn'],
]);

table('units', [
  ['3,5 m', 'ba phẩy năm mét'],
  ['3,2 km', 'ba phẩy hai ki lô mét'],
  ['150 mm', 'một trăm năm mươi mi li mét'],
  ['5 cm', 'năm xăng ti mét'],
  ['50 kg', 'năm mươi ki lô gam'],
  ['2 tấn', 'hai tấn'],
  ['1.200 ha', 'một nghìn hai trăm héc ta'],
  ['1.200 m³/s', 'một nghìn hai trăm mét khối trên giây'],
  ['1.200 m3/s', 'một nghìn hai trăm mét khối trên giây'],
  ['25°C', 'hai mươi lăm độ xê'],
  ['25 oC', 'hai mươi lăm độ xê'],
  ['25 độ C', 'hai mươi lăm độ xê'],
  ['60 km/h', 'sáu mươi ki lô mét trên giờ'],
  ['60 km/giờ', 'sáu mươi ki lô mét trên giờ'],
  ['50 mm/h', 'năm mươi mi li mét trên giờ'],
  ['200 mm/24h', 'hai trăm mi li mét trên hai mươi tư giờ'],
  ['10 m/s', 'mười mét trên giây'],
  ['500 m2', 'năm trăm mét vuông'],
  ['62,5 tạ/ha', 'sáu mươi hai phẩy năm tạ trên héc ta'],
  ['8.200 đ/kg', 'tám nghìn hai trăm đồng mỗi ki lô gam'],
  ['120 người/km2', 'một trăm hai mươi người trên ki lô mét vuông'],
  ['220V', 'hai trăm hai mươi vôn'],
  ['5 kW', 'năm ki lô oát'],
  ['góc 45°', 'góc bốn mươi lăm độ'],
  ['21,3 s', 'hai mươi mốt phẩy ba giây'],
  ['100 USD', 'một trăm đô la Mỹ'],
  // a unit letter only after a number: "5 mẫu" is five mẫu, "m" alone is a letter
  ['5 mẫu ruộng', 'năm mẫu ruộng'],
  ['3 lần/tháng', 'ba lần mỗi tháng'],
]);

table('ranges', [
  ['5-7', 'năm đến bảy'],
  ['5 - 7', 'năm đến bảy'],
  ['20–25°C', 'hai mươi đến hai mươi lăm độ xê'],
  ['20°C–25°C', 'hai mươi độ xê đến hai mươi lăm độ xê'],
  ['100-150 mm', 'một trăm đến một trăm năm mươi mi li mét'],
  ['100mm-150mm', 'một trăm mi li mét đến một trăm năm mươi mi li mét'],
  ['(118-133 km/h)', '(một trăm mười tám đến một trăm ba mươi ba ki lô mét trên giờ)'],
  ['giật cấp 7-8', 'giật cấp bảy đến tám'],
  ['nhiệm kỳ 2025-2030', 'nhiệm kỳ hai nghìn không trăm hai mươi lăm đến hai nghìn không trăm ba mươi'],
  ['từ 7.500-8.200 đ/kg', 'từ bảy nghìn năm trăm đến tám nghìn hai trăm đồng mỗi ki lô gam'],
  ['12,5-15%', 'mười hai phẩy năm đến mười lăm phần trăm'],
]);

table('Roman numerals in context', [
  ['Quý IV', 'Quý bốn'],
  ['quý I', 'quý một'],
  ['Quý IV/2026', 'Quý bốn năm hai nghìn không trăm hai mươi sáu'],
  ['Quốc hội khóa XV', 'Quốc hội khóa mười lăm'],
  ['khoá XIII', 'khoá mười ba'],
  ['lần thứ III', 'lần thứ ba'],
  ['lần thứ I', 'lần thứ nhất'],
  ['Đại hội lần thứ IV', 'Đại hội lần thứ tư'],
  ['Chương II', 'Chương hai'],
  ['CHƯƠNG IX', 'CHƯƠNG chín'],
  ['thế kỷ XXI', 'thế kỷ hai mươi mốt'],
  ['Phụ lục III', 'Phụ lục ba'],
  ['trường cấp III', 'trường cấp ba'],
  ['báo động I', 'báo động một'],
  ['Đại hội XIII', 'Đại hội mười ba'],
  // not numerals: no context word, or not a well-formed numeral
  ['I am here', 'I am here'],
  ['Nhóm nhạc MIX', 'Nhóm nhạc MIX'],
  ['MIX', 'MIX'],
  ['đĩa CD', 'đĩa CD'],
  ['quý IIII', 'quý IIII'],
  ['Vitamin C', 'Vitamin C'],
]);

table('abbreviations', [
  ['UBND xã', 'ủy ban nhân dân xã'],
  ['HĐND tỉnh', 'hội đồng nhân dân tỉnh'],
  ['Trung tâm VHTT,TT&DL', 'Trung tâm văn hóa thông tin, thể thao và du lịch'],
  ['Trung tâm VHTT&DL', 'Trung tâm văn hóa, thể thao và du lịch'],
  ['Chuyên mục CĐS', 'Chuyên mục chuyển đổi số'],
  ['BCH PCTT&TKCN', 'ban chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn'],
  ['Ban Thường trực UBMTTQ', 'Ban Thường trực ủy ban mặt trận tổ quốc'],
  ['MTTQ', 'mặt trận tổ quốc'],
  ['Trường THCS, THPT', 'Trường trung học cơ sở, trung học phổ thông'],
  ['CSGT tuyên truyền ATGT', 'cảnh sát giao thông tuyên truyền an toàn giao thông'],
  ['sông, suối, v.v.', 'sông, suối, vân vân.'],
  ['sông, suối, v.v. Người dân', 'sông, suối, vân vân. Người dân'],
  ['sông, suối v.v. đề phòng', 'sông, suối vân vân đề phòng'],
  ['TP. Hà Nội', 'thành phố Hà Nội'],
  ['TP.HCM', 'thành phố Hồ Chí Minh'],
  ['Tp Vinh', 'thành phố Vinh'],
  ['Tp. Thanh Hóa', 'thành phố Thanh Hóa'],
  ['Q.1', 'quận một'],
  ['Q. Ba Đình', 'quận Ba Đình'],
  ['P. Bến Nghé', 'phường Bến Nghé'],
  ['họp tại UBND TP.', 'họp tại ủy ban nhân dân thành phố.'],
  ['Đ/c Nguyễn Văn A', 'đồng chí Nguyễn Văn A'],
  ['mang theo CCCD', 'mang theo căn cước công dân'],
  ['có sông trên BĐ3', 'có sông trên báo động ba'],
  ['Sở GD&ĐT', 'Sở giáo dục và đào tạo'],
  // whole words only, case as written
  ['UBNDX', 'UBNDX'],
  ['ubnd', 'ubnd'],
  ['VNĐ', 'VNĐ'],
  ['Hàng & hóa', 'Hàng và hóa'],
]);

table('official document numbers', [
  ['Thông tư 39/2020/TT-BTTTT', 'Thông tư ba mươi chín năm hai nghìn không trăm hai mươi của Bộ Thông tin và Truyền thông'],
  ['Nghị định 49/2024/NĐ-CP', 'Nghị định bốn mươi chín năm hai nghìn không trăm hai mươi tư của Chính phủ'],
  ['Chỉ thị 05/CT-TTg', 'Chỉ thị năm của Thủ tướng Chính phủ'],
  ['Kế hoạch số 125/KH-UBND', 'Kế hoạch số một trăm hai mươi lăm của ủy ban nhân dân'],
  ['Luật số 55/2014/QH13', 'Luật số năm mươi lăm năm hai nghìn không trăm mười bốn của Quốc hội khóa mười ba'],
  ['Công văn 15/UBND-VHTT', 'Công văn mười lăm của ủy ban nhân dân văn hóa thông tin'],
]);

describe('configurable abbreviations', () => {
  it('uses the given table instead of the defaults', () => {
    const abbreviations = { UBND: 'Ủy ban', 'BQL': 'ban quản lý' };
    expect(normaliseForSpeech('UBND và BQL dự án, HĐND', { abbreviations })).toBe('Ủy ban và ban quản lý dự án, HĐND');
  });
  it('can extend the defaults', () => {
    const abbreviations = { ...DEFAULT_ABBREVIATIONS, HTX: 'hợp tác xã nông nghiệp', BQL: 'ban quản lý' };
    expect(normaliseForSpeech('HTX, BQL và UBND', { abbreviations })).toBe('hợp tác xã nông nghiệp, ban quản lý và ủy ban nhân dân');
  });
  it('an empty table expands nothing', () => {
    expect(normaliseForSpeech('UBND xã lúc 7h', { abbreviations: {} })).toBe('UBND xã lúc bảy giờ');
  });
  it('the defaults cover the abbreviations a commune bulletin uses', () => {
    for (const key of ['UBND', 'HĐND', 'VHTT', 'TT&DL', 'CĐS', 'BCH', 'PCTT', 'TKCN', 'MTTQ', 'THCS', 'THPT', 'CSGT', 'ATGT', 'v.v.', 'TP.', 'Tp', 'Q.', 'P.']) {
      expect(DEFAULT_ABBREVIATIONS[key], key).toBeTruthy();
    }
  });
  it('the defaults cannot be changed by a caller', () => {
    expect(Object.isFrozen(DEFAULT_ABBREVIATIONS)).toBe(true);
  });
});

// Whole sentences as officials type them: provincial weather and flood bulletins, commune notices, and the project's
// seed material (../shared: the "Chuyển đổi số" transcript, the glossary, design notes and the dashboard's own texts).
const SENTENCES: readonly Case[] = [
  [
    'Lượng mưa phổ biến 100-150 mm, có nơi trên 200 mm',
    'Lượng mưa phổ biến một trăm đến một trăm năm mươi mi li mét, có nơi trên hai trăm mi li mét',
  ],
  [
    'Mực nước sông Hồng tại Hà Nội lúc 7h ngày 12/12/2026 là 3,5 m',
    'Mực nước sông Hồng tại Hà Nội lúc bảy giờ ngày mười hai tháng mười hai năm hai nghìn không trăm hai mươi sáu là ba phẩy năm mét',
  ],
  [
    'Mực nước sông Hồng tại Hà Nội lúc 7h ngày 12/12/2026 là 3,5 m, dưới báo động I 6,0 m.',
    'Mực nước sông Hồng tại Hà Nội lúc bảy giờ ngày mười hai tháng mười hai năm hai nghìn không trăm hai mươi sáu là ba phẩy năm mét, dưới báo động một sáu phẩy không mét.',
  ],
  [
    'Hồi 13h00 ngày 10/9, vị trí tâm bão ở khoảng 18,5 độ Vĩ Bắc; 108,2 độ Kinh Đông. Sức gió mạnh nhất vùng gần tâm bão mạnh cấp 12 (118-133 km/h), giật cấp 15.',
    'Hồi mười ba giờ ngày mười tháng chín, vị trí tâm bão ở khoảng mười tám phẩy năm độ Vĩ Bắc; một trăm linh tám phẩy hai độ Kinh Đông. Sức gió mạnh nhất vùng gần tâm bão mạnh cấp mười hai (một trăm mười tám đến một trăm ba mươi ba ki lô mét trên giờ), giật cấp mười lăm.',
  ],
  [
    'Từ đêm 10/9 đến ngày 12/9, khu vực Bắc Bộ có mưa to đến rất to với lượng mưa phổ biến 150-250 mm, có nơi trên 400 mm.',
    'Từ đêm mười tháng chín đến ngày mười hai tháng chín, khu vực Bắc Bộ có mưa to đến rất to với lượng mưa phổ biến một trăm năm mươi đến hai trăm năm mươi mi li mét, có nơi trên bốn trăm mi li mét.',
  ],
  [
    'Nhiệt độ thấp nhất phổ biến 8-11°C, vùng núi cao có nơi dưới 3°C.',
    'Nhiệt độ thấp nhất phổ biến tám đến mười một độ xê, vùng núi cao có nơi dưới ba độ xê.',
  ],
  [
    'Lưu lượng nước về hồ Hòa Bình lúc 19h ngày 11/9 đạt 12.500 m³/s.',
    'Lưu lượng nước về hồ Hòa Bình lúc mười chín giờ ngày mười một tháng chín đạt mười hai nghìn năm trăm mét khối trên giây.',
  ],
  [
    'Cảnh báo lũ trên các sông ở Thanh Hóa lên mức báo động 2-3, có sông trên BĐ3.',
    'Cảnh báo lũ trên các sông ở Thanh Hóa lên mức báo động hai đến ba, có sông trên báo động ba.',
  ],
  ['Gió Đông Bắc cấp 6, giật cấp 7-8; biển động.', 'Gió Đông Bắc cấp sáu, giật cấp bảy đến tám; biển động.'],
  ['Bão số 3 (Yagi) đổ bộ ngày 7/9/2024.', 'Bão số ba (Yagi) đổ bộ ngày bảy tháng chín năm hai nghìn không trăm hai mươi tư.'],
  [
    'Đường dây nóng của BCH PCTT&TKCN tỉnh: 0237 3852 123.',
    'Đường dây nóng của ban chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn tỉnh: không hai ba bảy, ba tám năm hai, một hai ba.',
  ],
  [
    'Khi có sự cố, gọi ngay 113 (công an), 114 (cứu hỏa), 115 (cấp cứu).',
    'Khi có sự cố, gọi ngay một một ba (công an), một một bốn (cứu hỏa), một một năm (cấp cứu).',
  ],
  [
    'UBND xã Tả Van thông báo: từ 7h30 đến 11h00 ngày 15/12/2026 (Thứ 3), tổ chức tiêm vắc xin cho trẻ em dưới 5 tuổi tại Trạm Y tế xã.',
    'ủy ban nhân dân xã Tả Van thông báo: từ bảy giờ ba mươi phút đến mười một giờ ngày mười lăm tháng mười hai năm hai nghìn không trăm hai mươi sáu (Thứ ba), tổ chức tiêm vắc xin cho trẻ em dưới năm tuổi tại Trạm Y tế xã.',
  ],
  [
    'Mọi thông tin xin liên hệ đồng chí Nguyễn Văn A, ĐT: 0912.345.678.',
    'Mọi thông tin xin liên hệ đồng chí Nguyễn Văn A, điện thoại: không chín một hai, ba bốn năm, sáu bảy tám.',
  ],
  [
    'Liên hệ: 024.3825.1234 hoặc 0987654321.',
    'Liên hệ: không hai bốn, ba tám hai năm, một hai ba bốn hoặc không chín tám bảy, sáu năm bốn, ba hai một.',
  ],
  ['Tổng đài 1900 1234 hoạt động 24/7.', 'Tổng đài một chín không không, một hai ba bốn hoạt động hai mươi tư trên bảy.'],
  [
    'Đến nay đã có 1.250/1.500 hộ (đạt 83,3%) hoàn thành kê khai.',
    'Đến nay đã có một nghìn hai trăm năm mươi trên một nghìn năm trăm hộ (đạt tám mươi ba phẩy ba phần trăm) hoàn thành kê khai.',
  ],
  [
    'Hội nghị BCH Đảng bộ xã lần thứ XV, nhiệm kỳ 2025-2030, diễn ra sáng 5/12.',
    'Hội nghị ban chỉ huy Đảng bộ xã lần thứ mười lăm, nhiệm kỳ hai nghìn không trăm hai mươi lăm đến hai nghìn không trăm ba mươi, diễn ra sáng năm tháng mười hai.',
  ],
  [
    'Kết quả quý III/2026: thu ngân sách đạt 2,5 tỷ đồng, tăng 12,5% so với cùng kỳ.',
    'Kết quả quý ba năm hai nghìn không trăm hai mươi sáu: thu ngân sách đạt hai phẩy năm tỷ đồng, tăng mười hai phẩy năm phần trăm so với cùng kỳ.',
  ],
  [
    'Kế hoạch số 125/KH-UBND ngày 01/3/2025 của UBND huyện về CĐS đến năm 2025, định hướng đến năm 2030.',
    'Kế hoạch số một trăm hai mươi lăm của ủy ban nhân dân ngày một tháng ba năm hai nghìn không trăm hai mươi lăm của ủy ban nhân dân huyện về chuyển đổi số đến năm hai nghìn không trăm hai mươi lăm, định hướng đến năm hai nghìn không trăm ba mươi.',
  ],
  [
    'Thực hiện Chỉ thị 05/CT-TTg, Trung tâm VHTT,TT&DL huyện phối hợp với Trường THCS, THPT và CSGT tuyên truyền ATGT.',
    'Thực hiện Chỉ thị năm của Thủ tướng Chính phủ, Trung tâm văn hóa thông tin, thể thao và du lịch huyện phối hợp với Trường trung học cơ sở, trung học phổ thông và cảnh sát giao thông tuyên truyền an toàn giao thông.',
  ],
  [
    'Tuyến đường dài 3,2 km, rộng 5,5 m, tổng kinh phí 4.750.000.000 đồng.',
    'Tuyến đường dài ba phẩy hai ki lô mét, rộng năm phẩy năm mét, tổng kinh phí bốn tỷ bảy trăm năm mươi triệu đồng.',
  ],
  [
    'Vụ Đông Xuân 2025-2026 gieo cấy 1.200 ha lúa, năng suất ước đạt 62,5 tạ/ha.',
    'Vụ Đông Xuân hai nghìn không trăm hai mươi lăm đến hai nghìn không trăm hai mươi sáu gieo cấy một nghìn hai trăm héc ta lúa, năng suất ước đạt sáu mươi hai phẩy năm tạ trên héc ta.',
  ],
  // seed material: the "Chuyển đổi số" column transcript, as it would be typed with figures and abbreviations
  [
    'Chuyên mục CĐS. Thực hiện chương trình hành động của UBND huyện về CĐS tỉnh Thanh Hóa đến năm 2025, định hướng đến năm 2030.',
    'Chuyên mục chuyển đổi số. Thực hiện chương trình hành động của ủy ban nhân dân huyện về chuyển đổi số tỉnh Thanh Hóa đến năm hai nghìn không trăm hai mươi lăm, định hướng đến năm hai nghìn không trăm ba mươi.',
  ],
  // seed material: the design notes and glossary
  [
    'Thông tư 39/2020/TT-BTTTT về đài truyền thanh cơ sở ứng dụng CNTT - viễn thông, Nghị định 49/2024/NĐ-CP.',
    'Thông tư ba mươi chín năm hai nghìn không trăm hai mươi của Bộ Thông tin và Truyền thông về đài truyền thanh cơ sở ứng dụng công nghệ thông tin - viễn thông, Nghị định bốn mươi chín năm hai nghìn không trăm hai mươi tư của Chính phủ.',
  ],
  [
    'Mỗi xã sản xuất 1 chương trình/tháng và phát lại ít nhất 3 lần/tháng; báo cáo 6 tháng, năm hoặc đột xuất.',
    'Mỗi xã sản xuất một chương trình mỗi tháng và phát lại ít nhất ba lần mỗi tháng; báo cáo sáu tháng, năm hoặc đột xuất.',
  ],
  ['Trung tâm VHTT,TT&DL / Đơn vị sản xuất', 'Trung tâm văn hóa thông tin, thể thao và du lịch, Đơn vị sản xuất'],
  [
    'Giờ nghỉ: không phát từ 22:00 đến 05:00; mục tiêu −16 LUFS, đỉnh thực ≤ −1,5 dBTP.',
    'Giờ nghỉ: không phát từ hai mươi hai giờ đến năm giờ; mục tiêu âm mười sáu LUFS, đỉnh thực nhỏ hơn hoặc bằng âm một phẩy năm dBTP.',
  ],
  ['Sau tháng 7/2025 không còn cấp huyện.', 'Sau tháng bảy năm hai nghìn không trăm hai mươi lăm không còn cấp huyện.'],
  // seed material: the dashboard's own Vietnamese texts
  [
    'Cụm loa 2 — Đài xã Tả Van chưa nhận tệp «Chuyển đổi số — số 11» phát lúc 01/12/2026 14:30',
    'Cụm loa hai — Đài xã Tả Van chưa nhận tệp «Chuyển đổi số — số mười một» phát lúc mười bốn giờ ba mươi phút ngày một tháng mười hai năm hai nghìn không trăm hai mươi sáu',
  ],
  [
    'Cụm loa 2 — Đài xã Tả Van mất kết nối 3 giờ (lần cuối thấy 01/12/2026 10:55)',
    'Cụm loa hai — Đài xã Tả Van mất kết nối ba giờ (lần cuối thấy ngày một tháng mười hai năm hai nghìn không trăm hai mươi sáu lúc mười giờ năm mươi lăm phút)',
  ],
  [
    'Khung giờ 2 (Thứ 2 21:30–22:30) rơi vào giờ nghỉ (không phát) 22:00–05:00',
    'Khung giờ hai (Thứ hai hai mươi mốt giờ ba mươi phút đến hai mươi hai giờ ba mươi phút) rơi vào giờ nghỉ (không phát) hai mươi hai giờ đến năm giờ',
  ],
  [
    'Cách đọc: «Phát lại 2/3» là 2 lần phát lại trên chỉ tiêu 3 lần.',
    'Cách đọc: «Phát lại hai trên ba» là hai lần phát lại trên chỉ tiêu ba lần.',
  ],
  [
    'Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy (ví dụ 31/12/2026).',
    'Ngày không hợp lệ: hãy nhập theo dạng dd mm yyyy (ví dụ ngày ba mươi mốt tháng mười hai năm hai nghìn không trăm hai mươi sáu).',
  ],
  [
    'Đài xã Tả Van: chưa phát (quá hạn) «Bản tin khẩn» lúc 01/12/2026 10:00 — Cụm loa 1: nhận lịch quá muộn',
    'Đài xã Tả Van: chưa phát (quá hạn) «Bản tin khẩn» lúc mười giờ ngày một tháng mười hai năm hai nghìn không trăm hai mươi sáu — Cụm loa một: nhận lịch quá muộn',
  ],
];

table('real sentences', SENTENCES);

describe('whole texts', () => {
  it('keeps the line and paragraph breaks the chunker needs, and tidies spaces', () => {
    const text = 'Chuyên mục chuyển đổi số\r\n\r\n\r\nUBND xã thông báo:  từ 7h30   ngày 15/12/2026.\n- Mang theo CCCD;\n';
    expect(normaliseForSpeech(text)).toBe(
      'Chuyên mục chuyển đổi số\n\nủy ban nhân dân xã thông báo: từ bảy giờ ba mươi phút ngày mười lăm tháng mười hai năm hai nghìn không trăm hai mươi sáu.\n- Mang theo căn cước công dân;',
    );
  });

  it('keeps Vietnamese diacritics, composing text typed in decomposed form', () => {
    const decomposed = 'Ủy ban nhân dân xã thông báo lúc 7h ngày 5/9'.normalize('NFD');
    const out = normaliseForSpeech(decomposed);
    expect(out).toBe('Ủy ban nhân dân xã thông báo lúc bảy giờ ngày năm tháng chín');
    expect(out).toBe(out.normalize('NFC'));
  });

  it('lower-cases nothing that was typed', () => {
    expect(normaliseForSpeech('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc')).toBe(
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc',
    );
  });

  it('leaves text without figures or abbreviations as it is', () => {
    const plain =
      'Chuyển đổi số giúp người dân tiếp cận dịch vụ công trực tuyến, thanh toán không dùng tiền mặt và nâng cao chất lượng cuộc sống.';
    expect(normaliseForSpeech(plain)).toBe(plain);
  });

  it('gives empty output for empty or blank input', () => {
    expect(normaliseForSpeech('')).toBe('');
    expect(normaliseForSpeech(' \n\t ')).toBe('');
  });

  it('drops invisible characters that would be spelled or break a match', () => {
    expect(normaliseForSpeech('UB\u200BND\u00A0xã 1\u00A0000 người')).toBe('ủy ban nhân dân xã một nghìn người');
  });

  it('leaves no figure unread in any of the real sentences', () => {
    for (const [input] of SENTENCES) expect(normaliseForSpeech(input), input).not.toMatch(/\d/);
  });

  it('is stable: normalising its own output changes nothing', () => {
    for (const [input] of SENTENCES) {
      const once = normaliseForSpeech(input);
      expect(normaliseForSpeech(once), input).toBe(once);
    }
  });

  it('handles a 5,000-character bulletin quickly', () => {
    const sentence = 'Lúc 7h ngày 12/12/2026, mực nước sông Hồng là 3,5 m; lượng mưa 100-150 mm, gọi 0912 345 678. ';
    const text = sentence.repeat(Math.ceil(5000 / sentence.length)).slice(0, 5000);
    const started = performance.now();
    const out = normaliseForSpeech(text);
    const ms = performance.now() - started;
    expect(out).not.toMatch(/\d/);
    // generous for a loaded 2-core machine; measured at a few milliseconds when idle
    expect(ms).toBeLessThan(1000);
  });
});
