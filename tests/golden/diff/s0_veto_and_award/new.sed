s/when 总分 <= 84 reason/when 总分 <= 90 reason/
s/>= 95: 2400 元/>= 95: 2450 元/
