export * from "./users";
export * from "./techniques";
export * from "./papers";
export * from "./models";
export * from "./platform";
export * from "./experiments";
export * from "./steer";
