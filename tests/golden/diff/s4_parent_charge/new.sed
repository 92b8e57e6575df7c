s/deduct 3 from 主管单位/deduct 5 from 主管单位/
