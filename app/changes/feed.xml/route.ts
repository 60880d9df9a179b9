import { getDb } from "~/server/db";
import { handleChangesAtom } from "~/server/services/changes-feed-atom";

/** The newest accepted changes as an Atom feed; ?technique=slug for one technique's. Public, like /changes. */
export async function GET(req: Request): Promise<Response> {
  return handleChangesAtom(req, getDb());
}
