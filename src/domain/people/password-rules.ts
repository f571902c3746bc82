/** The rules a new password must meet, in both languages: checked before hashing, shown as the person types. */
export const PASSWORD_MIN_CHARS = 10;

export interface PasswordProblem {
  rule: 'too_short' | 'same_as_login' | 'too_long';
  messageVi: string;
  messageEn: string;
}

export function passwordProblem(password: string, login: string): PasswordProblem | null {
  const chars = [...password].length;
  if (chars < PASSWORD_MIN_CHARS) {
    return { rule: 'too_short', messageVi: `«Mật khẩu» phải có ít nhất ${PASSWORD_MIN_CHARS} ký tự (hiện có ${chars})`, messageEn: `password: at least ${PASSWORD_MIN_CHARS} characters (has ${chars})` };
  }
  // Beyond this the hash only costs more; no person types it.
  if (chars > 200) return { rule: 'too_long', messageVi: '«Mật khẩu» dài quá 200 ký tự', messageEn: 'password: at most 200 characters' };
  if (password.trim().toLowerCase() === login.trim().toLowerCase()) {
    return { rule: 'same_as_login', messageVi: '«Mật khẩu» không được trùng với «Tên đăng nhập»', messageEn: 'password: must not be the login name' };
  }
  return null;
}
