/cap 等次 at most 一般 when exists(违规查处)/d
