import type { RouterOutputs } from "../../_lib/types";

export type CommentList = RouterOutputs["comments"]["list"];
export type CommentItem = CommentList["items"][number];
export type CommentTargetType = CommentList["target"]["type"];
