import { runConformance } from "./run-cases.ts";

runConformance("worker");
