export { clocksPerBit, FRAME_BITS, type UartParams } from "./params.js";
export { UartRx } from "./rx.js";
export { UartTx } from "./tx.js";
