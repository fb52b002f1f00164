// Package pix holds the rules of the BACEN Pix API as a PSP serves it
// (specs/pix-api-2.9.0.yaml, seed 000): the recebedor and its chaves, and, in
// later files, cob, cobv, lotecobv, loc, pix and devolução. It knows nothing of
// HTTP or SQL: handlers translate, stores persist, and each rule lives here
// once.
package pix
