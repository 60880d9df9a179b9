import { handleTrpcRequest } from "~/server/http/trpc-handler";
import { createRequestContext } from "~/server/trpc/request-context";

const handler = (req: Request) => handleTrpcRequest(req, (request) => createRequestContext(request.headers));

export { handler as GET, handler as POST };
