import type { CommandReply } from '#keyway/contracts';
import { ApiError } from './http-errors.js';

/** The one seam to the services: anything that answers a subject with a CommandReply. */
export interface CommandSender {
  send<T>(subject: string, payload: unknown): Promise<CommandReply<T>>;
}

/** Sends a command and turns an error reply into the matching HTTP error. */
export async function forward<T>(sender: CommandSender, subject: string, payload: unknown): Promise<T> {
  const reply = await sender.send<T>(subject, payload);
  if (!reply.ok) throw ApiError.from(reply.error);
  return reply.result;
}
