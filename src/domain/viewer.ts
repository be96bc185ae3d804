/**
 * Who a request acts for: the user its bearer token proves, or nobody.
 * Made by context/auth.ts from a verified token, never from anything else the
 * client sends; everything below the context takes it as given.
 */
export interface Viewer {
  userId: string;
}
