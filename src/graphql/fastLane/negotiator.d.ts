// The part of negotiator 1.x (Apollo Server's own negotiator) that mediaType.ts uses.
declare module 'negotiator' {
  export default class Negotiator {
    constructor(request: { headers: { accept?: string } });
    mediaType(available?: readonly string[]): string | undefined;
  }
}
