/** Limits of an account's fields, in one place: the sign-up and sign-in forms set the same `maxLength`s. */
export const USER_LIMITS = {
  /** RFC 5321's longest address. */
  email: 254,
  passwordMin: 10,
  password: 200,
  name: 100,
} as const;
