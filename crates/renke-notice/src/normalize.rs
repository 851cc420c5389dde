//! Text normalisation: traditional → simplified for the characters notices use, NFKC width
//! folding, page-number debris, stray list markers, spaces, and canonical Chinese punctuation.

use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

/// Traditional → simplified pairs: first the characters of notices about
/// conformity-assessment campaigns (organisations, dates, contacts, labels, activities), then
/// every other single-character entry of OpenCC's TSCharacters whose traditional form is not
/// itself a simplified character (not in GB 2312, so 著 and 乾 stay as written). Each pair
/// is two characters: traditional then simplified.
const TRAD_SIMP: &str = "國国際际認认證证監监總总廳厅處处開开關关於于動动將将會会議议時时間间聯联繫系係系話话郵邮電电號号發发佈布辦办協协導导組组織织員员報报質质驗验檢检測测構构機机區区縣县廣广東东場场覽览講讲題题課课\
訓训練练網网線线視视頻频試试調调請请單单書书為为與与務务門门錄录準准標标規规範范體体養养業业產产團团設设輔辅傳传遞递綠绿經经濟济環环續续細细節节屆届計计劃划畫画說说參参復复實实現现歲岁稱称據据\
結结數数項项點点層层樓楼館馆鐘钟長长華华農农藥药療疗醫医衛卫風风險险鄉乡鎮镇級级屬属擬拟舉举籌筹備备圍围繞绕論论壇坛儀仪頒颁週周歷历曆历紙纸約约餘余個个們们這这對对進进達达應应當当並并從从後后\
來来學学術术專专師师負负責责領领資资寫写讀读貫贯徹彻習习黨党鬥斗戰战離离樣样雜杂種种類类顯显權权適适選选絡络維维護护雲云齊齐歡欢陳陈劉刘張张趙赵黃黄楊杨吳吴孫孙鄭郑馬马錢钱許许濤涛熱热擊击億亿\
萬万問问閱阅聞闻觀观覺觉親亲歸归塊块壓压條条櫃柜橋桥氣气決决況况滬沪陜陕滿满漢汉災灾無无爲为獎奖畢毕異异盡尽碼码礎础禮礼稅税穩稳積积競竞筆笔簡简紀纪紅红納纳終终綜综緊紧績绩義义聲声職职臨临興兴舊旧\
藝艺蘇苏衝冲補补製制訂订討讨訊讯記记診诊評评詢询詳详語语誌志談谈諮咨謝谢識识讓让財财貨货購购費费賽赛趨趋車车軟软輕轻較较輸输轉转運运過过違违遠远遲迟還还邊边釋释針针銷销鋼钢閉闭隊队階阶隨随雙双\
靈灵預预頭头額额顧顾飛飞飯饭髮发鳥鸟麼么龍龙廠厂廢废徵征態态戶户擔担擴扩攜携斷断晉晋極极殘残溝沟滅灭潔洁營营燈灯爭争獲获盤盘眾众確确祕秘簽签籤签糧粮縮缩罰罚聽听腦脑虛虚裝装複复見见訪访詞词誤误\
謀谋譜谱變变貢贡貼贴賬账蹤踪軍军輛辆辭辞邏逻鄰邻鐵铁閒闲陸陆陰阴陽阳雞鸡難难響响頁页順顺須须飲饮騰腾鮮鲜麥麦齡龄勵励啟启團团園园圖图壽寿夢梦奮奋嚴严寬宽導导屬属崗岗幣币廳厅彙汇彥彦徑径憑凭戲戏\
挾挟換换揚扬損损搖摇擁拥擇择攝摄敗败敵敌斂敛暫暂樞枢歐欧殺杀毀毁漸渐濱滨瀏浏熾炽爾尔牆墙獨独瑪玛產产癥症盜盗碩硕禦御稱称竊窃籃篮紛纷紹绍統统絲丝綱纲網网緒绪線线緣缘編编緩缓縱纵繁繁繪绘繼继罷罢\
膽胆臉脸艦舰莊庄葉叶蓋盖薦荐蘭兰處处蟲虫衆众裏里裡里襲袭覆覆訴诉詐诈該该詩诗誠诚誰谁課课諾诺謂谓證证譯译讚赞豐丰貝贝負负貧贫貫贯貿贸賀贺資资賣卖賴赖贊赞贏赢趕赶躍跃輪轮辦办農农迴回遊游邀邀鄧邓\
醜丑釣钓鈴铃銀银鋪铺錯错鍵键鎖锁鑒鉴鑑鉴閃闪闊阔闡阐陣阵際际雖虽雜杂電电需需韓韩頂顶項项順顺領领頻频題题顏颜願愿類类颱台飼饲飾饰餐餐館馆驅驱驗验骯肮體体鬧闹魚鱼鳳凤鴻鸿麗丽黨党齒齿臺台灣湾溫温\
葯药粵粤內内曉晓鄒邹瀋沈麗丽凱凯蔣蒋丟丢亂乱亙亘亞亚佇伫佔占併并侖仑侶侣侷局俁俣俔伣俠侠俥伡俬私倀伥倆俩倈俫倉仓倖幸倫伦偉伟側侧偵侦偽伪傑杰傖伧傘伞傢家傭佣傯偬傴伛債债傷伤傾倾僂偻僅仅僉佥僑侨\
僕仆僞伪僥侥僨偾僱雇價价儁俊儂侬儈侩儉俭儎傤儐傧儔俦儕侪儘尽償偿優优儲储儷俪儺傩儻傥儼俨兇凶兌兑兒儿兗兖兩两冊册冑胄冪幂凈净凍冻凜凛別别刪删剄刭則则剋克剎刹剗刬剛刚剝剥剮剐剴剀創创剷铲劇剧劊刽\
劌刿劍剑劑剂勁劲勛勋勝胜勞劳勢势勩勚勱劢勳勋勸劝勻匀匭匦匯汇匱匮卹恤卻却卽即厙厍厠厕厤历厭厌厲厉厴厣叄叁叢丛吶呐呂吕咼呙唄呗唸念啓启啞哑啢唡喚唤喪丧喫吃喬乔喲哟嗆呛嗇啬嗊唝嗎吗嗚呜嗩唢嗶哔嘆叹\
嘍喽嘓啯嘔呕嘖啧嘗尝嘜唛嘩哗嘮唠嘯啸嘰叽嘵哓嘸呒嘽啴噁恶噓嘘噝咝噠哒噥哝噦哕噯嗳噲哙噴喷噸吨噹当嚀咛嚇吓嚌哜嚐尝嚕噜嚙啮嚥咽嚦呖嚨咙嚮向嚲亸嚳喾嚶嘤囀啭囁嗫囂嚣囅冁囈呓囉啰囌苏囑嘱囪囱圇囵圓圆\
垻坝埡垭埰采執执堅坚堊垩堖垴堝埚堯尧塋茔塏垲塒埘塗涂塚冢塢坞塤埙塵尘塹堑墊垫墜坠墮堕墰坛墳坟墶垯墻墙墾垦壋垱壎埙壘垒壙圹壚垆壜坛壞坏壟垄壠垅壢坜壩坝壪塆壯壮壺壶壼壸夠够夾夹奐奂奧奥奩奁奪夺奬奖\
奼姹妝妆姍姗姦奸娛娱婁娄婦妇婭娅媧娲媯妫媼媪媽妈嫋袅嫗妪嫵妩嫺娴嫻娴嫿婳嬀妫嬃媭嬈娆嬋婵嬌娇嬙嫱嬡嫒嬤嬷嬪嫔嬰婴嬸婶孃娘孌娈孿孪宮宫寀采寢寝寧宁審审寵宠寶宝尋寻尷尴屍尸屓屃屜屉屢屡屨屦岡冈峯峰\
峴岘島岛峽峡崍崃崑昆崙仑崢峥崬岽嵐岚嵗岁嶁嵝嶄崭嶇岖嶔嵚嶗崂嶠峤嶢峣嶧峄嶨峃嶮崄嶸嵘嶺岭嶼屿嶽岳巋岿巒峦巔巅巖岩巰巯巹卺帥帅帳帐帶带幀帧幃帏幗帼幘帻幟帜幫帮幬帱幹干幾几庫库廁厕廂厢廄厩廈厦廎庼\
廕荫廚厨廝厮廟庙廡庑廩廪廬庐弒弑弔吊弳弪強强彆别彈弹彌弥彎弯彔录彠彟彫雕彲彨彿佛徠徕恆恒恥耻悅悦悞悮悵怅悶闷悽凄惡恶惱恼惲恽惻恻愛爱愜惬愨悫愴怆愷恺愾忾慄栗慍愠慘惨慚惭慟恸慣惯慤悫慪怄慫怂慮虑\
慳悭慶庆慼戚慾欲憂忧憊惫憐怜憒愦憖慭憚惮憤愤憫悯憮怃憲宪憶忆懇恳懌怿懍懔懞蒙懟怼懣懑懨恹懲惩懶懒懷怀懸悬懺忏懼惧懾慑戀恋戇戆戔戋戧戗戩戬戱戯拋抛挩捝挱挲捨舍捫扪捲卷掃扫掄抡掗挜掙挣掛挂採采揀拣\
揮挥揯搄搗捣搵揾搶抢摑掴摜掼摟搂摯挚摳抠摶抟摻掺撈捞撏挦撐撑撓挠撟挢撣掸撥拨撫抚撲扑撳揿撻挞撾挝撿捡擄掳擋挡擠挤擣捣擯摈擰拧擱搁擲掷擷撷擺摆擻擞擼撸擾扰攄摅攆撵攏拢攔拦攖撄攙搀攛撺攢攒攣挛攤摊\
攪搅攬揽敎教敓敚敘叙斃毙斆敩斕斓斬斩旂旗旣既昇升晝昼暈晕暉晖暘旸暢畅曄晔曇昙曏向曖暧曠旷曨昽曬晒朧胧朮术枴拐柵栅柺拐査查桿杆梔栀梘枧梟枭梲棁棄弃棊棋棖枨棗枣棟栋棧栈棲栖棶梾椏桠楓枫楨桢榦干榪杩\
榮荣榲榅榿桤槍枪槓杠槤梿槧椠槨椁槮椮槳桨槶椢槼椝樁桩樂乐樅枞樑梁樧榝樳桪樸朴樹树樺桦樿椫橈桡橢椭橫横檁檩檉柽檔档檜桧檟槚檣樯檮梼檯台檳槟檸柠檻槛櫓橹櫚榈櫛栉櫝椟櫞橼櫟栎櫥橱櫧槠櫨栌櫪枥櫫橥櫬榇\
櫱蘖櫳栊櫸榉櫻樱欄栏欅榉欏椤欒栾欖榄欞棂欽钦歎叹歟欤歿殁殞殒殤殇殫殚殭僵殮殓殯殡殲歼殻壳殼壳毆殴毿毵氂牦氈毡氌氇氫氢氬氩氳氲氾泛汎泛汙污沒没沖冲泝溯洩泄洶汹浹浃涇泾涗涚涼凉淒凄淚泪淥渌淨净淩凌\
淪沦淵渊淶涞淺浅渙涣減减渢沨渦涡渾浑湊凑湞浈湧涌湯汤溈沩溮浉溳涢溼湿滄沧滌涤滎荥滙汇滯滞滲渗滷卤滸浒滻浐滾滚漁渔漊溇漚沤漣涟漬渍漲涨漵溆漿浆潁颍潑泼潙沩潛潜潤润潯浔潰溃潷滗潿涠澀涩澆浇澇涝澐沄\
澗涧澠渑澤泽澦滪澩泶澮浍澱淀濁浊濃浓濕湿濘泞濚溁濛蒙濜浕濫滥濰潍濺溅濼泺濾滤瀂澛瀅滢瀆渎瀉泻瀕濒瀘泸瀝沥瀟潇瀠潆瀦潴瀧泷瀨濑瀰弥瀲潋瀾澜灃沣灄滠灑洒灕漓灘滩灝灏灤滦灧滟灩滟烏乌烴烃煉炼煒炜煙烟\
煢茕煥焕煩烦煬炀熅煴熒荧熗炝熲颎燁烨燉炖燒烧燙烫燜焖燦灿燬毁燭烛燴烩燻熏燼烬燾焘爍烁爐炉爛烂爺爷牀床牘牍牽牵犖荦犛牦犢犊犧牺狀状狹狭狽狈猙狰猶犹猻狲獁犸獃呆獄狱獅狮獪狯獫猃獮狝獰狞獵猎獷犷獸兽\
獺獭獻献獼猕玀猡琱雕琺珐琿珲瑋玮瑒玚瑣琐瑤瑶瑩莹瑲玱璉琏璡琎璣玑璦瑷璫珰璵玙璸瑸璽玺璿璇瓊琼瓏珑瓔璎瓚瓒甌瓯甕瓮産产甦苏畝亩畵画疇畴疊叠痙痉痠酸痾疴瘂痖瘋疯瘍疡瘓痪瘞瘗瘡疮瘧疟瘮瘆瘲疭瘺瘘瘻瘘\
癆痨癇痫癉瘅癒愈癘疠癟瘪癡痴癢痒癤疖癧疬癩癞癬癣癭瘿癮瘾癰痈癱瘫癲癫皁皂皚皑皰疱皸皲皺皱盃杯盞盏盧卢盪荡眞真眥眦睏困睜睁睞睐瞘眍瞞瞒瞶瞆瞼睑矇蒙矓眬矚瞩矯矫硃朱硜硁硤硖硨砗硯砚碕埼碭砀碸砜磑硙\
磚砖磠硵磣碜磧碛磯矶磽硗礄硚礆硷礙碍礦矿礪砺礫砾礬矾礱砻祿禄禍祸禎祯禕祎禡祃禪禅禰祢禱祷禿秃秈籼稈秆稜棱稟禀穀谷穌稣穎颖穠秾穡穑穢秽穫获穭穞窩窝窪洼窮穷窯窑窵窎窶窭窺窥竄窜竅窍竇窦竈灶竪竖筍笋\
筧笕箇个箋笺箏筝築筑篋箧篔筼篠筿篤笃篩筛篳筚簀箦簍篓簑蓑簞箪簣篑簫箫簹筜簾帘籙箓籛篯籜箨籟籁籠笼籩笾籪簖籬篱籮箩籲吁糉粽糝糁糞粪糰团糲粝糴籴糶粜糹纟糾纠紂纣紆纡紇纥紈纨紉纫紋纹紐纽紓纾純纯紕纰\
紖纼紗纱紘纮紜纭紝纴紡纺紮扎紱绂紲绁紳绅紵纻紺绀紼绋紿绐絀绌絃弦絆绊絎绗絕绝絛绦絝绔絞绞絢绚給给絨绒絰绖絳绛絶绝絹绢綁绑綃绡綆绠綈绨綉绣綌绤綏绥綑捆綞缍綢绸綣绻綫线綬绶綯绹綰绾綳绷綴缀綵彩綸纶\
綹绺綺绮綻绽綽绰綾绫綿绵緄绲緇缁緋绯緑绿緓绬緔绱緗缃緘缄緙缂緝缉緞缎締缔緡缗緦缌緬缅緯纬緱缑緲缈緶缏緹缇緻致緼缊縈萦縉缙縊缢縋缒縐绉縑缣縕缊縗缞縛缚縝缜縞缟縟缛縧绦縫缝縭缡縲缧縴纤縵缦縶絷縷缕\
縹缥繃绷繅缫繆缪繒缯繕缮繚缭繡绣繢缋繩绳繭茧繮缰繯缳繰缲繳缴繹绎繽缤繾缱纇颣纈缬纊纩纍累纏缠纓缨纔才纖纤纘缵纜缆缽钵罈坛罌罂罎坛罵骂羅罗羆罴羈羁羋芈羣群羥羟羨羡羶膻翫玩翬翚翹翘翽翙耬耧耮耢聖圣\
聰聪聳耸聵聩聶聂聹聍聾聋肅肃脅胁脈脉脛胫脣唇脩修脫脱脹胀腎肾腖胨腡脶腫肿腳脚腸肠膃腽膕腘膚肤膠胶膩腻膾脍膿脓臍脐臏膑臘腊臚胪臟脏臠脔臢臜臥卧舘馆艙舱艤舣艫舻艱艰艷艳芻刍苧苎茲兹荊荆莖茎莢荚莧苋\
菴庵萇苌萊莱萴荝萵莴葒荭葤荮葦苇葷荤蒐搜蒓莼蒔莳蒕蒀蒞莅蒼苍蓀荪蓆席蓮莲蓯苁蓴莼蓽荜蔔卜蔘参蔞蒌蔥葱蔦茑蔭荫蕁荨蕆蒇蕎荞蕒荬蕓芸蕕莸蕘荛蕢蒉蕩荡蕪芜蕭萧蕷蓣薀蕰薈荟薊蓟薌芗薑姜薔蔷薘荙薟莶薩萨\
薴苧薺荠藍蓝藎荩藪薮藴蕴藶苈藹蔼藺蔺蘀萚蘄蕲蘆芦蘊蕴蘋苹蘚藓蘞蔹蘢茏蘺蓠蘿萝虆蔂虜虏虧亏虯虬蛺蛱蛻蜕蜆蚬蝕蚀蝟猬蝦虾蝨虱蝸蜗螄蛳螞蚂螢萤螻蝼螿螀蟄蛰蟈蝈蟎螨蟣虮蟬蝉蟯蛲蟶蛏蟻蚁蠁蚃蠅蝇蠆虿蠍蝎\
蠐蛴蠑蝾蠔蚝蠟蜡蠣蛎蠨蟏蠱蛊蠶蚕蠻蛮衊蔑衕同衚胡袞衮裊袅褌裈褘袆褲裤褳裢褸褛褻亵襇裥襉裥襏袯襖袄襝裣襠裆襤褴襪袜襬摆襯衬襴襕覈核覎觃覓觅覘觇覡觋覥觍覦觎覬觊覯觏覲觐覷觑覿觌觴觞觶觯觸触訁讠訃讣\
訌讧訐讦訒讱訕讪訖讫託托訛讹訝讶訟讼訣诀訥讷訩讻訶诃註注証证詁诂詆诋詎讵詒诒詔诏詖诐詗诇詘诎詛诅詠咏詡诩詣诣詫诧詬诟詭诡詮诠詰诘詵诜詼诙詿诖誄诔誅诛誆诓誇夸誑诳誒诶誕诞誘诱誚诮誡诫誣诬誥诰誦诵\
誨诲説说誶谇誹诽誼谊誾訚諂谄諄谆諉诿諍诤諏诹諑诼諒谅諗谂諛谀諜谍諝谞諞谝諡谥諢诨諤谔諦谛諧谐諫谏諭谕諱讳諳谙諶谌諷讽諸诸諺谚諼谖謁谒謄誊謅诌謊谎謎谜謐谧謔谑謖谡謗谤謙谦謚谥謠谣謡谣謨谟謫谪謬谬\
謭谫謳讴謹谨謾谩譁哗譎谲譏讥譖谮譙谯譚谭譟噪譫谵譭毁譴谴譸诪譽誉譾谫讅谉讋詟讎雠讒谗讕谰讖谶讜谠讞谳豈岂豎竖豔艳豬猪豶豮貓猫貞贞貟贠販贩貪贪貯贮貰贳貲赀貳贰貴贵貶贬買买貸贷貺贶貽贻賁贲賂赂賃赁\
賄贿賅赅賈贾賊贼賑赈賒赊賓宾賕赇賙赒賚赉賜赐賞赏賠赔賡赓賢贤賤贱賦赋賧赕賫赍賭赌賵赗賺赚賻赙賾赜贄贽贅赘贇赟贈赠贋赝贍赡贐赆贓赃贔赑贖赎贗赝贛赣贜赃赬赪趲趱跡迹踐践踰逾踴踊蹌跄蹕跸蹟迹蹠跖蹣蹒\
蹺跷躂跶躉趸躊踌躋跻躑踯躒跞躓踬躕蹰躚跹躡蹑躥蹿躦躜躪躏軀躯軋轧軌轨軑轪軒轩軔轫軛轭軤轷軫轸軲轱軸轴軹轵軺轺軻轲軼轶軾轼輅辂輇辁輈辀載载輊轾輒辄輓挽輜辎輝辉輞辋輟辍輥辊輦辇輩辈輬辌輯辑輳辏輻辐\
輼辒輾辗輿舆轀辒轂毂轄辖轅辕轆辘轍辙轎轿轔辚轟轰轡辔轢轹轤轳辮辫辯辩逕迳連连遙遥遜逊遡溯遷迁遺遗遼辽邁迈邇迩邐逦郟郏鄆郓鄔邬鄖郧鄲郸鄴邺鄶郐鄺邝酇酂酈郦醃腌醖酝醞酝醟蒏醬酱醱酦釀酿釁衅釃酾釅酽\
釐厘釒钅釓钆釔钇釕钌釗钊釘钉釙钋釤钐釦扣釧钏釩钒釵钗釷钍釹钕釺钎鈀钯鈁钫鈃钘鈄钭鈅钥鈈钚鈉钠鈍钝鈎钩鈐钤鈑钣鈒钑鈔钞鈕钮鈞钧鈡钟鈣钙鈥钬鈦钛鈧钪鈮铌鈰铈鈳钶鈷钴鈸钹鈹铍鈺钰鈽钸鈾铀鈿钿鉀钾鉅巨\
鉆钻鉈铊鉉铉鉋铇鉍铋鉑铂鉕钷鉗钳鉚铆鉛铅鉞钺鉢钵鉤钩鉦钲鉬钼鉭钽鉳锫鉶铏鉸铰鉺铒鉻铬鉿铪銃铳銅铜銍铚銑铣銓铨銖铢銘铭銚铫銛铦銜衔銠铑銣铷銥铱銦铟銨铵銩铥銪铕銫铯銬铐銱铞銳锐銹锈銻锑銼锉鋁铝鋃锒\
鋅锌鋇钡鋌铤鋏铗鋒锋鋙铻鋝锊鋟锓鋣铘鋤锄鋥锃鋦锔鋨锇鋩铓鋭锐鋮铖鋯锆鋰锂鋱铽鋶锍鋸锯錁锞錆锖錇锫錈锩錏铔錐锥錒锕錕锟錘锤錙锱錚铮錛锛錟锬錠锭錡锜錦锦錨锚錩锠錫锡錮锢録录錳锰錶表錸铼錼镎鍀锝鍁锨\
鍃锪鍅钫鍆钔鍇锴鍈锳鍊炼鍋锅鍍镀鍔锷鍘铡鍚钖鍛锻鍠锽鍤锸鍥锲鍩锘鍬锹鍰锾鍶锶鍺锗鍼针鍾钟鎂镁鎄锿鎇镅鎊镑鎌镰鎔镕鎘镉鎚锤鎛镈鎡镃鎢钨鎣蓥鎦镏鎧铠鎩铩鎪锼鎬镐鎭镇鎰镒鎲镋鎳镍鎵镓鎶鿔鎸镌鎿镎鏃镞\
鏇旋鏈链鏌镆鏍镙鏐镠鏑镝鏗铿鏘锵鏜镗鏝镘鏞镛鏟铲鏡镜鏢镖鏤镂鏨錾鏰镚鏵铧鏷镤鏹镪鏽锈鐃铙鐋铴鐐镣鐒铹鐓镦鐔镡鐙镫鐝镢鐠镨鐦锎鐧锏鐨镄鐫镌鐮镰鐲镯鐳镭鐶镮鐸铎鐺铛鐿镱鑄铸鑊镬鑌镔鑔镲鑕锧鑞镴鑠铄\
鑣镳鑥镥鑭镧鑰钥鑱镵鑲镶鑷镊鑹镩鑼锣鑽钻鑾銮鑿凿钁镢钂镋閂闩閆闫閈闬閌闶閎闳閏闰閑闲閔闵閘闸閡阂閣阁閤合閥阀閨闺閩闽閫阃閬阆閭闾閲阅閶阊閹阉閻阎閼阏閽阍閾阈閿阌闃阒闆板闇暗闈闱闋阕闌阑闍阇闐阗\
闒阘闓闿闔阖闕阙闖闯闞阚闠阓闢辟闤阛闥闼陘陉陝陕陞升隉陧隕陨隯陦隱隐隴陇隸隶隻只雋隽雛雏霑沾霢霡霧雾霽霁靂雳靄霭靆叇靉叆靚靓靜静靝靔靦腼靨靥鞏巩鞝绱鞦秋鞽鞒韁缰韃鞑韆千韉鞯韋韦韌韧韍韨韙韪韜韬\
韝鞲韞韫韻韵頃顷頇顸頊顼頌颂頎颀頏颃頑顽頓顿頗颇頜颌頡颉頤颐頦颏頮颒頰颊頲颋頴颕頷颔頸颈頹颓頽颓顆颗顎颚顒颙顓颛顔颜顙颡顛颠顢颟顥颢顫颤顬颥顰颦顱颅顳颞顴颧颭飐颮飑颯飒颳刮颶飓颸飔颺飏颻飖颼飕\
飀飗飄飘飆飙飈飚飠饣飢饥飣饤飥饦飩饨飪饪飫饫飭饬飱飧飴饴飽饱飿饳餃饺餄饸餅饼餈糍餉饷餌饵餎饹餏饻餑饽餒馁餓饿餕馂餖饾餚肴餛馄餜馃餞饯餡馅餬糊餱糇餳饧餵喂餶馉餷馇餺馎餼饩餾馏餿馊饁馌饃馍饅馒饈馐\
饉馑饊馓饋馈饌馔饑饥饒饶饗飨饜餍饞馋饢馕馭驭馮冯馱驮馳驰馴驯馹驲駁驳駐驻駑驽駒驹駔驵駕驾駘骀駙驸駛驶駝驼駟驷駡骂駢骈駭骇駰骃駱骆駸骎駿骏騁骋騂骍騅骓騌骔騍骒騎骑騏骐騖骛騙骗騤骙騫骞騭骘騮骝騶驺\
騷骚騸骟騾骡驀蓦驁骜驂骖驃骠驄骢驊骅驌骕驍骁驏骣驕骄驚惊驛驿驟骤驢驴驤骧驥骥驦骦驪骊驫骉髏髅髒脏髕髌髖髋鬆松鬍胡鬚须鬢鬓鬨哄鬩阋鬮阄鬱郁鬹鬶魎魉魘魇魛鱽魢鱾魨鲀魯鲁魴鲂魷鱿魺鲄鮁鲅鮃鲆鮊鲌鮋鲉\
鮍鲏鮎鲇鮐鲐鮑鲍鮒鲋鮓鲊鮚鲒鮜鲘鮝鲞鮞鲕鮦鲖鮪鲔鮫鲛鮭鲑鮳鲓鮶鲪鮺鲝鯀鲧鯁鲠鯇鲩鯉鲤鯊鲨鯒鲬鯔鲻鯕鲯鯖鲭鯗鲞鯛鲷鯝鲴鯡鲱鯢鲵鯤鲲鯧鲳鯨鲸鯪鲮鯫鲰鯰鲶鯴鲺鯷鳀鯽鲫鯿鳊鰁鳈鰂鲗鰃鳂鰈鲽鰉鳇鰍鳅鰏鲾\
鰐鳄鰒鳆鰓鳃鰛鳁鰜鳒鰟鳑鰠鳋鰣鲥鰥鳏鰨鳎鰩鳐鰭鳍鰮鳁鰱鲢鰲鳌鰳鳓鰵鳘鰷鲦鰹鲣鰺鲹鰻鳗鰼鳛鰾鳔鱂鳉鱅鳙鱈鳕鱉鳖鱒鳟鱔鳝鱖鳜鱗鳞鱘鲟鱝鲼鱟鲎鱠鲙鱣鳣鱤鳡鱧鳢鱨鲿鱭鲚鱯鳠鱷鳄鱸鲈鱺鲡鳧凫鳩鸠鳬凫鳲鸤\
鳴鸣鳶鸢鴆鸩鴇鸨鴉鸦鴒鸰鴕鸵鴛鸳鴝鸲鴞鸮鴟鸱鴣鸪鴦鸯鴨鸭鴯鸸鴰鸹鴴鸻鴿鸽鵂鸺鵃鸼鵐鹀鵑鹃鵒鹆鵓鹁鵜鹈鵝鹅鵠鹄鵡鹉鵪鹌鵬鹏鵮鹐鵯鹎鵰雕鵲鹊鵷鹓鵾鹍鶇鸫鶉鹑鶊鹒鶓鹋鶖鹙鶘鹕鶚鹗鶡鹖鶥鹛鶩鹜鶬鸧鶯莺\
鶲鹟鶴鹤鶹鹠鶺鹡鶻鹘鶼鹣鶿鹚鷀鹚鷁鹢鷂鹞鷄鸡鷊鹝鷓鹧鷖鹥鷗鸥鷙鸷鷚鹨鷥鸶鷦鹪鷫鹔鷯鹩鷲鹫鷳鹇鷴鹇鷸鹬鷹鹰鷺鹭鷽鸴鸇鹯鸌鹱鸏鹲鸕鸬鸘鹴鸚鹦鸛鹳鸝鹂鸞鸾鹵卤鹹咸鹺鹾鹼碱鹽盐麩麸麪面麫面麯曲麵面黌黉\
黲黪黴霉黶黡黷黩黽黾黿鼋鼂鼌鼉鼍鼕冬鼴鼹齋斋齎赍齏齑齔龀齕龁齗龂齙龅齜龇齟龃齠龆齣出齦龈齧啮齪龊齬龉齲龋齶腭齷龌龎厐龐庞龔龚龕龛龜龟鿓鿒";

/// Traditional → simplified as a direct table over U+4E00..U+9FFF (the block every entry of
/// [`TRAD_SIMP`] is in), for a lookup per character without hashing.
pub(crate) struct TradTable {
    table: Vec<char>,
}

const CJK_START: u32 = 0x4E00;
const CJK_END: u32 = 0x9FFF;

impl TradTable {
    pub fn new() -> Self {
        let mut table: Vec<char> = (CJK_START..=CJK_END).filter_map(char::from_u32).collect();
        for (t, s) in trad_map() {
            if let Some(slot) = (t as u32)
                .checked_sub(CJK_START)
                .and_then(|i| table.get_mut(i as usize))
            {
                *slot = s;
            }
        }
        Self { table }
    }

    pub fn map(&self, c: char) -> char {
        let u = c as u32;
        if (CJK_START..=CJK_END).contains(&u) {
            self.table
                .get((u - CJK_START) as usize)
                .copied()
                .unwrap_or(c)
        } else {
            c
        }
    }
}

/// A map from traditional to simplified characters.
pub(crate) fn trad_map() -> HashMap<char, char> {
    let chars: Vec<char> = TRAD_SIMP.chars().filter(|c| !c.is_whitespace()).collect();
    chars
        .chunks(2)
        .filter_map(|p| match p {
            [t, s] => Some((*t, *s)),
            _ => None,
        })
        .collect()
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF | 0x3007)
}

fn is_ascii_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// Is this line page-number debris from a PDF (`-3 -`, `— 2 —`, `第 3 页 共 5 页`)?
pub(crate) fn is_debris(line: &str) -> bool {
    // debris is short: a page number with dashes, or 第N页共M页
    if line.len() > 48 {
        return false;
    }
    let t: String = line
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect();
    if t.is_empty() {
        return false;
    }
    let dashes = |c: char| matches!(c, '-' | '—' | '–' | '一' | '－' | '‒' | '―');
    let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    let rest_is_dashes = t.chars().all(|c| c.is_ascii_digit() || dashes(c));
    if rest_is_dashes && !digits.is_empty() && digits.len() <= 3 && t.chars().any(dashes) {
        // at least one dash on each side or a trailing/leading dash around a page number
        return true;
    }
    // 第3页 / 第3页共5页 / 3/5
    let page = t.strip_prefix('第').and_then(|r| {
        let r = r.trim_start_matches(|c: char| c.is_ascii_digit());
        r.strip_prefix('页')
    });
    if let Some(r) = page {
        let r = r
            .strip_prefix('共')
            .map(|x| x.trim_start_matches(|c: char| c.is_ascii_digit()))
            .and_then(|x| x.strip_suffix('页').or(Some(x)));
        return matches!(r, Some("") | None) || r.is_some_and(|x| x.is_empty());
    }
    false
}

/// HTML entities for quotes and spaces whose letters a page decoded as Chinese characters
/// (`&濒诲辩耻辞;` for `&ldquo;`, a common mis-encoding of Chinese sites), with what they stand for.
const ENTITY_MOJIBAKE: [(&str, &str); 6] = [
    ("濒诲辩耻辞", "“"),
    ("谤诲辩耻辞", "”"),
    ("濒蝉辩耻辞", "‘"),
    ("谤蝉辩耻辞", "’"),
    ("尘诲补蝉丑", "—"),
    ("苍产蝉辫", " "),
];

/// Put back the characters of HTML entities mis-decoded as Chinese (see [`ENTITY_MOJIBAKE`]).
pub(crate) fn fix_entity_mojibake(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = s.to_string();
    for (letters, ch) in ENTITY_MOJIBAKE {
        for semi in [';', '；'] {
            out = out.replace(&format!("&{letters}{semi}"), ch);
        }
    }
    out
}

/// Remove the anti-copy noise a forum adds around a line's text: runs of at least four short
/// ASCII tokens (`9 ~% h$ x" M; b) y!`), a third of them holding a letter, at the start or
/// the end of the line, and up to two letters or digits such a run glues to the first
/// Chinese word after it (`c- u近两年来`). A line of noise only becomes empty. Times and
/// numbers spaced out (`10 : 00`) hold no letter and stay.
pub(crate) fn strip_noise_runs(line: &str) -> String {
    const MIN_RUN: usize = 4;
    if !line.contains(' ') || !line.chars().any(|c| c.is_ascii_punctuation()) {
        return line.to_string();
    }
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let is_noise = |t: &&&str| t.len() <= 3 && t.chars().all(|c| c.is_ascii_graphic());
    let run_ok = |run: &[&str]| {
        let letters = run
            .iter()
            .filter(|t| t.chars().any(|c| c.is_ascii_alphabetic()))
            .count();
        run.len() >= MIN_RUN && letters * 3 >= run.len()
    };
    let lead = tokens.iter().take_while(is_noise).count();
    let lead = if run_ok(&tokens[..lead]) { lead } else { 0 };
    if lead == tokens.len() {
        return String::new();
    }
    let trail = tokens[lead..].iter().rev().take_while(is_noise).count();
    let trail = if run_ok(&tokens[tokens.len() - trail..]) {
        trail
    } else {
        0
    };
    if lead == 0 && trail == 0 {
        return line.to_string();
    }
    let mut kept: Vec<&str> = tokens[lead..tokens.len() - trail].to_vec();
    if lead > 0
        && let Some(first) = kept.first_mut()
    {
        let glued = first.len()
            - first
                .trim_start_matches(|c: char| c.is_ascii_alphanumeric())
                .len();
        if glued <= 2 && first[glued..].starts_with(is_han) {
            *first = &first[glued..];
        }
    }
    kept.join(" ")
}

/// Is this line a web page's time stamp (`2024-12-03 11:21`, `2023/01/04`, a view count
/// glued on)? Notices write their dates in 年月日; a line without a Chinese character that
/// holds a `YYYY-MM-DD` date is the page's, not the notice's.
pub(crate) fn is_web_stamp(line: &str) -> bool {
    if line.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
        return false;
    }
    let b: Vec<char> = line.chars().collect();
    let digits = |from: usize, n: usize| {
        b.get(from..from + n)
            .is_some_and(|w| w.iter().all(char::is_ascii_digit))
    };
    (0..b.len()).any(|i| {
        digits(i, 4)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 4).is_some_and(|c| matches!(c, '-' | '/' | '.'))
            && digits(i + 5, 1)
    })
}

/// Is this line a web page's furniture — navigation, sharing, the previous and next
/// articles, the footer — which is never a line of a notice?
pub(crate) fn is_furniture(line: &str) -> bool {
    const WHOLE: [&str; 16] = [
        "首页",
        "网站首页",
        "返回首页",
        "二维码",
        "视频号",
        "抖音号",
        "我要投稿",
        "热点推荐",
        "相关链接",
        "相关文章",
        "相关阅读",
        "相关附件",
        "分享到",
        "分享到：",
        "app",
        "APP",
    ];
    const START: [&str; 24] = [
        "分享到",
        "分享好友",
        "上一篇",
        "下一篇",
        "上一条",
        "下一条",
        "版权所有",
        "Copyright",
        "copyright",
        "©",
        "网站标识码",
        "打印本页",
        "【打印",
        "关闭窗口",
        "【关闭",
        "扫一扫",
        "【字体",
        "当前位置",
        "您现在的位置",
        "您当前的位置",
        "您的位置",
        "首页>",
        "首页|",
        "首页 ",
    ];
    let t = line.trim();
    // a view counter's label, its number beside it or not (`浏览量`, `阅读次数：1024`)
    const COUNTERS: [&str; 7] = [
        "浏览量",
        "浏览次数",
        "阅读量",
        "阅读次数",
        "点击量",
        "点击次数",
        "访问量",
    ];
    let counter = COUNTERS.iter().any(|c| {
        t.strip_prefix(c).is_some_and(|r| {
            r.trim_start_matches([':', '：', ' '])
                .chars()
                .all(|x| x.is_ascii_digit())
        })
    });
    counter || WHOLE.contains(&t) || START.iter().any(|s| t.starts_with(s)) || t.contains("ICP备")
}

/// A file's name without its extension, when `t` ends with the extension of a document
/// (`地方标准项目建议书.xlsx`, a page's download link).
pub(crate) fn file_stem(t: &str) -> Option<&str> {
    const EXTENSIONS: [&str; 12] = [
        ".docx", ".doc", ".xlsx", ".xls", ".pdf", ".wps", ".et", ".ofd", ".zip", ".rar", ".pptx",
        ".ppt",
    ];
    let lower = t.to_ascii_lowercase();
    let ext = EXTENSIONS.iter().find(|e| lower.ends_with(*e))?;
    let stem = &t[..t.len() - ext.len()];
    (!stem.is_empty()).then_some(stem)
}

/// A line that is only a file's name (`2.地方标准项目建议书.xlsx`): a download link.
pub(crate) fn is_file_name_line(t: &str) -> bool {
    file_stem(t).is_some() && !t.contains(['，', '。', '：', ':', ' ']) && t.chars().count() <= 120
}

/// Characters NFKC leaves alone that notices are mostly made of: ASCII, CJK unified
/// ideographs, CJK punctuation (except U+3000 and U+3036/U+3038–U+303A), curly quotes, dashes,
/// the middle dot.
fn nfkc_stable(c: char) -> bool {
    let u = c as u32;
    c.is_ascii()
        || (0x4E00..=0x9FFF).contains(&u)
        || (0x3001..=0x3035).contains(&u)
        || matches!(
            u,
            0x3007 | 0x00B7 | 0x2014 | 0x2015 | 0x2018 | 0x2019 | 0x201C | 0x201D | 0x2022 | 0x25CB
        )
}

/// Fold a line: traditional characters, NFKC widths, markdown emphasis, whitespace kinds.
pub(crate) fn fold_line(line: &str, map: &TradTable) -> String {
    // full-width ASCII forms and the ideographic space are folded here, which leaves most
    // Chinese lines already in NFKC (the quick check below then skips the full algorithm)
    let simp: String = line
        .chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => map.map(c),
        })
        .collect();
    let folded: String = if simp.chars().all(nfkc_stable) {
        simp
    } else {
        simp.nfkc().collect()
    };
    let folded = if folded.contains("**") {
        folded.replace("**", "")
    } else {
        folded
    };
    if folded.chars().any(|c| c.is_whitespace() && c != ' ') {
        folded
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect()
    } else {
        folded
    }
}

/// Strip a stray list marker such as `- ` or `• ` in front of a line.
pub(crate) fn strip_stray_marker(line: &str) -> &str {
    let t = line.trim_start();
    for m in ["- ", "• ", "* ", "· ", "● ", "-(", "•"] {
        if let Some(rest) = t.strip_prefix(m) {
            if m == "-(" {
                return &t[1..];
            }
            return rest.trim_start();
        }
    }
    t
}

/// Canonical punctuation: ASCII punctuation between Chinese text becomes full-width, except
/// where it belongs to a number (10:00, 1,000), an e-mail or a web address. Quotes are paired
/// separately, per paragraph, by [`pair_quotes`].
pub(crate) fn canon_punct(s: &str) -> String {
    if !s.contains([',', ':', ';', '(', ')', '!', '?', '「', '」', '『', '』']) {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if !matches!(
            c,
            ',' | ':' | ';' | '(' | ')' | '!' | '?' | '「' | '」' | '『' | '』'
        ) {
            out.push(c);
            continue;
        }
        // neighbours, looking past spaces (`10 : 00`)
        let prev = chars[..i].iter().rev().copied().find(|c| *c != ' ');
        let next = chars[i + 1..].iter().copied().find(|c| *c != ' ');
        let digit_both =
            prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
        let alnum_both = prev.is_some_and(is_ascii_alnum) && next.is_some_and(is_ascii_alnum);
        let mapped = match c {
            ',' if !digit_both => '，',
            ':' if !digit_both && next != Some('/') => '：',
            ';' => '；',
            '(' => '（',
            ')' => '）',
            '!' if !alnum_both => '！',
            '?' if !alnum_both => '？',
            '「' | '『' => '“',
            '」' | '』' => '”',
            other => other,
        };
        out.push(mapped);
    }
    out
}

/// Pair straight double quotes into “ ” within one paragraph; curly quotes keep their sense.
pub(crate) fn pair_quotes(s: &str) -> String {
    if !s.contains('"') {
        return s.to_string();
    }
    let mut open = false;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '“' => {
                open = true;
                out.push(c);
            }
            '”' => {
                open = false;
                out.push(c);
            }
            '"' => {
                out.push(if open { '”' } else { '“' });
                open = !open;
            }
            _ => out.push(c),
        }
    }
    out
}

/// Collapse runs of spaces to one and trim; keep the spaces (they can separate an
/// organisation from a person's name).
pub(crate) fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.trim().chars() {
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

/// Remove every space that is not between two ASCII letters or digits: PDF text puts spaces
/// inside Chinese words and numbers (`2022 年4月22 日`, `参 照`).
pub(crate) fn squash(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars[i + 1..].iter().copied().find(|c| *c != ' ');
            let keep = prev.is_some_and(is_ascii_alnum)
                && next.is_some_and(is_ascii_alnum)
                && !(prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit())
                    && digits_then_date_unit(&chars[i + 1..]));
            if keep && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// After `2 0`, is the run of digits followed by 年/月/日 (a number split by a space)?
fn digits_then_date_unit(rest: &[char]) -> bool {
    let mut it = rest.iter().skip_while(|c| **c == ' ' || c.is_ascii_digit());
    matches!(it.next(), Some('年' | '月' | '日' | '号' | '时'))
}

/// Chinese numerals of a date (二〇二二年六月二日) → Arabic, for signature dates.
pub(crate) fn chinese_date_to_arabic(s: &str) -> String {
    // every year from 2000 to 2099 written in Chinese numerals has a zero (二〇二二), often
    // typed as ○ or as a Latin 0 or O (二00九); a date has 年
    if !s.contains('年') || !s.contains(['〇', '零', '○', '0', 'O', 'О']) {
        return s.to_string();
    }
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '〇' | '零' | '○' | 'О' | 'O' | '0' => 0,
            '一' => 1,
            '二' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let small = |t: &str| -> Option<u32> {
        let cs: Vec<char> = t.chars().collect();
        match cs.as_slice() {
            [a] if *a == '十' => Some(10),
            [a] => digit(*a),
            ['十', b] => digit(*b).map(|d| 10 + d),
            [a, '十'] => digit(*a).map(|d| d * 10),
            [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
            _ => None,
        }
    };
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // try: four numeral digits, 年, 1-3 numerals, 月, 1-3 numerals, 日
        let try_parse = || -> Option<(String, usize)> {
            let year_chars = chars.get(i..i + 4)?;
            // at least one Chinese numeral: `2000年` is already Arabic
            if year_chars.iter().all(|c| c.is_ascii() || *c == 'О') {
                return None;
            }
            let y: Vec<u32> = year_chars
                .iter()
                .map(|c| digit(*c))
                .collect::<Option<_>>()?;
            let mut j = i + 4;
            if chars.get(j) != Some(&'年') {
                return None;
            }
            j += 1;
            let m_start = j;
            while j < chars.len() && j - m_start < 3 && chars[j] != '月' {
                j += 1;
            }
            if chars.get(j) != Some(&'月') {
                return None;
            }
            let m: String = chars[m_start..j].iter().collect();
            let m = small(&m)?;
            j += 1;
            let d_start = j;
            while j < chars.len() && j - d_start < 3 && chars[j] != '日' {
                j += 1;
            }
            if chars.get(j) != Some(&'日') {
                return None;
            }
            let d: String = chars[d_start..j].iter().collect();
            let d = small(&d)?;
            let year = y.iter().fold(0, |a, b| a * 10 + b);
            Some((format!("{year}年{m}月{d}日"), j + 1 - i))
        };
        if let Some((text, used)) = try_parse() {
            out.push_str(&text);
            i += used;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_furniture_is_recognised() {
        assert!(is_furniture("网站首页"));
        assert!(is_furniture("分享好友 资讯首页 频道列表"));
        assert!(is_furniture("上一篇：关于做好安全生产工作的通知"));
        assert!(is_furniture("当前位置：首页 > 通知公告"));
        assert!(is_furniture("网站标识码：1234567890 京ICP备12345678号"));
        assert!(!is_furniture("首页设计要求"));
        assert!(is_file_name_line("2.地方标准项目建议书.xlsx"));
        assert!(!is_file_name_line("附件：地方标准项目建议书.xlsx"));
        assert_eq!(file_stem("《通知》.PDF"), Some("《通知》"));
        assert!(!is_furniture("各地级以上市市场监管局："));
    }

    #[test]
    fn mis_decoded_entities_are_fixed() {
        assert_eq!(
            fix_entity_mojibake("全国&濒诲辩耻辞;质量月&谤诲辩耻辞;期间"),
            "全国“质量月”期间"
        );
        assert_eq!(fix_entity_mojibake("A&B"), "A&B");
    }

    #[test]
    fn forum_noise_is_stripped() {
        assert_eq!(strip_noise_runs("9 ~% h$ x\" M; b) y! r/ b3 m"), "");
        assert_eq!(
            strip_noise_runs("! Y9 n. d/ Z. h, N- b6 c- u近两年来，现予发布。 6 i4 I/ X/ v* s) P"),
            "近两年来，现予发布。"
        );
        assert_eq!(
            strip_noise_runs("9 \\0 G8 v, O4 ? 国家认监委"),
            "国家认监委"
        );
        assert_eq!(strip_noise_runs("时间：上午 10 : 00"), "时间：上午 10 : 00");
        assert_eq!(strip_noise_runs("IAF ILAC 联合主题"), "IAF ILAC 联合主题");
    }

    #[test]
    fn web_time_stamps_are_recognised() {
        assert!(is_web_stamp("2024-12-03 11:215540"));
        assert!(is_web_stamp("  2023/01/04"));
        assert!(!is_web_stamp("2022年6月2日"));
        assert!(!is_web_stamp("发布时间：2022-06-02"));
        assert!(!is_web_stamp("电话：010-12345678"));
    }

    #[test]
    fn fast_path_characters_are_nfkc_stable() {
        let sample: String = (0x3001..=0x3035u32)
            .chain([
                0x3007, 0x00B7, 0x2014, 0x2015, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x25CB,
            ])
            .chain((0x4E00..=0x9FFFu32).step_by(7))
            .chain(0x20..0x7F)
            .filter_map(char::from_u32)
            .collect();
        for c in sample.chars() {
            assert!(nfkc_stable(c));
            let n: String = c.to_string().nfkc().collect();
            assert_eq!(n, c.to_string(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn debris_lines() {
        assert!(is_debris("-3 -"));
        assert!(is_debris("— 2 **—**"));
        assert!(is_debris("— 4 —"));
        assert!(is_debris("- 12 -"));
        assert!(is_debris("第3页共5页"));
        assert!(!is_debris("2022"));
        assert!(!is_debris("一、活动主要内容"));
        assert!(!is_debris("-"));
    }

    #[test]
    fn spaces_and_punct() {
        assert_eq!(squash("2022 年4月22 日"), "2022年4月22日");
        assert_eq!(squash("参 照省局"), "参照省局");
        assert_eq!(squash("内网 OA 邮箱"), "内网OA邮箱");
        assert_eq!(squash("IAF ILAC"), "IAF ILAC");
        assert_eq!(squash("20 22年"), "2022年");
        assert_eq!(
            canon_punct("上午10:00至11:00,认可:促进"),
            "上午10:00至11:00，认可：促进"
        );
        assert_eq!(pair_quotes("第\"世界认可日\"活动"), "第“世界认可日”活动");
        assert_eq!(chinese_date_to_arabic("二〇二二年六月二日"), "2022年6月2日");
        assert_eq!(
            chinese_date_to_arabic("二〇二二年十二月三十一日"),
            "2022年12月31日"
        );
        assert_eq!(
            chinese_date_to_arabic("二00九年七月二十七日"),
            "2009年7月27日"
        );
        assert_eq!(chinese_date_to_arabic("2009年7月27日"), "2009年7月27日");
    }

    #[test]
    fn traditional() {
        let m = trad_map();
        let s: String = "廣東省市場監督管理局關於組織開展"
            .chars()
            .map(|c| m.get(&c).copied().unwrap_or(c))
            .collect();
        assert_eq!(s, "广东省市场监督管理局关于组织开展");
        // pairs late in the table: a misaligned pair earlier would shift these
        let s: String = "臺灣溫粵內曉蔣"
            .chars()
            .map(|c| m.get(&c).copied().unwrap_or(c))
            .collect();
        assert_eq!(s, "台湾温粤内晓蒋");
        for (t, s) in &m {
            assert!(t != s || "繁需覆邀餐".contains(*t), "identity pair {t}");
        }
    }
}
