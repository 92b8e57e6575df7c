s/each 缺席 where not 请假: deduct 2/each 缺席 where not 请假: deduct 3/
s/    良好: >= 80/    良好: >= 85/
